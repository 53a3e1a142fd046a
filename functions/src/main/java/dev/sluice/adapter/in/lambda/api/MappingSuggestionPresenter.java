package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.mapping.SuggestMapping;
import dev.sluice.domain.mapping.MappingSuggestion;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/mappings/suggest}: reads {@code {"header": [...], "rows": [[...]], "datasetId"?}} and answers
 * {@code {"mapping": {field: {"header", "confidence", "reason"}}, "source", "unmapped": [...],
 * "conflicts": [{"field", "headers": [...]}]}}.
 */
public final class MappingSuggestionPresenter {
    private final ObjectMapper json;
    private final RequestBinder binder;

    public MappingSuggestionPresenter(ObjectMapper json, RequestBinder binder) {
        this.json = json;
        this.binder = binder;
    }

    public SuggestMapping.Request request(ApiRequest request) {
        JsonNode body = binder.jsonBody(request);
        JsonNode header = body.path("header");
        if (!header.isArray()) {
            throw InvalidRequestException.badField("header", "is required: an array of the file's column names, "
                    + "such as [\"Date\", \"Campaign\", \"Cost\"]");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode name : header) {
            if (!name.isTextual()) {
                throw InvalidRequestException.badField("header", "must hold only strings; item " + (names.size() + 1)
                        + " is not one");
            }
            names.add(name.asText());
        }
        List<List<String>> rows = new ArrayList<>();
        JsonNode rowsNode = body.path("rows");
        if (!rowsNode.isMissingNode() && !rowsNode.isNull()) {
            if (!rowsNode.isArray()) {
                throw InvalidRequestException.badField("rows", "must be an array of rows, each an array of values");
            }
            for (JsonNode rowNode : rowsNode) {
                if (!rowNode.isArray()) {
                    throw InvalidRequestException.badField("rows", "row " + (rows.size() + 1)
                            + " is not an array of values");
                }
                List<String> row = new ArrayList<>();
                for (JsonNode value : rowNode) {
                    if (value.isContainerNode()) {
                        throw InvalidRequestException.badField("rows", "row " + (rows.size() + 1) + ", value "
                                + (row.size() + 1) + " must be a string, not an array or object");
                    }
                    // Numbers and booleans are taken as the text a CSV would hold; null as an empty field.
                    row.add(value.isNull() ? "" : value.asText());
                }
                rows.add(row);
            }
        }
        return new SuggestMapping.Request(names, rows, RequestBinder.text(body, "datasetId"));
    }

    public ObjectNode suggestion(SuggestMapping.Result result) {
        MappingSuggestion suggestion = result.suggestion();
        ObjectNode response = json.createObjectNode();
        ObjectNode mapping = response.putObject("mapping");
        suggestion.fields().forEach((field, suggested) -> {
            ObjectNode node = mapping.putObject(field.fieldName());
            node.put("header", suggested.header());
            node.put("confidence", suggested.confidence());
            node.put("reason", suggested.reason());
        });
        response.put("source", result.source().wireName());
        suggestion.unmapped().forEach(response.putArray("unmapped")::add);
        ArrayNode conflicts = response.putArray("conflicts");
        suggestion.conflicts().forEach(conflict -> {
            ObjectNode node = conflicts.addObject();
            node.put("field", conflict.field().fieldName());
            conflict.headers().forEach(node.putArray("headers")::add);
        });
        return response;
    }
}
