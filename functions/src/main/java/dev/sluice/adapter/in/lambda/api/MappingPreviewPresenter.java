package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.wire.TransformsJson;
import dev.sluice.application.mapping.PreviewMapping;
import dev.sluice.application.mapping.SuggestMapping;
import java.util.List;

/**
 * {@code POST /api/mappings/preview}: reads {@code {"header": [...], "rows": [[...]], "mapping": {...},
 * "datasetId"?}} (the mapping as POST /api/uploads takes it) and answers {@code {"rows": [{"values": {field:
 * value|null}, "errors": [{"field", "message"}]}]}}, one item per row given.
 */
public final class MappingPreviewPresenter {
    private final ObjectMapper json;
    private final RequestBinder binder;
    private final MappingSuggestionPresenter rows;

    public MappingPreviewPresenter(ObjectMapper json, RequestBinder binder) {
        this.json = json;
        this.binder = binder;
        this.rows = new MappingSuggestionPresenter(json, binder);
    }

    public PreviewMapping.Request request(ApiRequest request) {
        // The header, rows and dataset are read as the suggestion reads them (at most 50 rows, strings).
        SuggestMapping.Request file = rows.request(request);
        TransformsJson.RequestMapping mapping = RequestBinder.requestMapping(binder.jsonBody(request).path("mapping"));
        return new PreviewMapping.Request(file.header(), file.rows(), mapping.columns(), mapping.transforms(),
                file.datasetId());
    }

    public ObjectNode preview(List<PreviewMapping.Row> preview) {
        ObjectNode response = json.createObjectNode();
        ArrayNode items = response.putArray("rows");
        for (PreviewMapping.Row row : preview) {
            ObjectNode item = items.addObject();
            ObjectNode values = item.putObject("values");
            row.values().forEach(values::put);
            ArrayNode errors = item.putArray("errors");
            for (PreviewMapping.FieldError error : row.errors()) {
                errors.addObject().put("field", error.field()).put("message", error.message());
            }
        }
        return response;
    }
}
