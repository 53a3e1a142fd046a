package dev.sluice.adapter.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.transform.FieldTransform;
import dev.sluice.domain.transform.Transforms;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of a mapping with transformations, as the API takes it and as chunk messages carry it.
 *
 * <p>In a request, a mapping entry is a header name ({@code "spend": "Cost"}), a column with a pipeline
 * ({@code "spend": {"column": "Cost", "transform": ["trim", "parse_number('de-DE')"]}}) or a calculated field
 * ({@code "spend": {"expression": "cost * 1.2"}}); {@code "calculated": {"name": "expression"}} adds columns to a raw
 * dataset's records. A key that is no canonical field names a raw dataset's column, which it reads by default.
 *
 * <p>On the wire (chunk message): {@code {"fields": {name: {"column", "transform"} | {"expression"}},
 * "calculated": {name: expression}}}.
 */
public final class TransformsJson {
    /** The request key of raw datasets' calculated columns. */
    public static final String CALCULATED = "calculated";

    private TransformsJson() {
    }

    /** A request's mapping: the plain {@code {field: header}} part and the transformations. */
    public record RequestMapping(Map<String, String> columns, Transforms transforms) {
    }

    /**
     * @throws IllegalArgumentException naming the entry and what it must be (the caller answers 400); expressions
     *                                  are not parsed here ({@link Transforms#checked()} does)
     */
    public static RequestMapping readRequest(JsonNode node) {
        Map<String, String> columns = new LinkedHashMap<>();
        Map<String, FieldTransform> fields = new LinkedHashMap<>();
        Map<String, String> calculated = new LinkedHashMap<>();
        if (node == null || node.isMissingNode() || node.isNull()) {
            return new RequestMapping(columns, Transforms.NONE);
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("must be an object like {\"spend\": \"Cost\"}");
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (key.startsWith("$")) {
                throw new IllegalArgumentException("names '" + key + "'; no field or column name starts with $");
            }
            if (value.isTextual()) {
                columns.put(key, value.asText());
            } else if (key.equals(CALCULATED) && value.isObject()) {
                for (Map.Entry<String, JsonNode> column : value.properties()) {
                    if (!column.getValue().isTextual()) {
                        throw new IllegalArgumentException("calculated column '" + column.getKey() + "' must be an "
                                + "expression (a string)");
                    }
                    calculated.put(column.getKey(), column.getValue().asText());
                }
            } else if (value.isObject()) {
                FieldTransform transform = field(key, value);
                fields.put(key, transform);
                if (!transform.isCalculated() && CanonicalField.byFieldName(key).isPresent()) {
                    columns.put(key, transform.column());
                }
            } else {
                throw new IllegalArgumentException("value for '" + key + "' must be a header name, {\"column\": ..., "
                        + "\"transform\": [...]} or {\"expression\": ...}");
            }
        }
        return new RequestMapping(columns, new Transforms(fields, calculated));
    }

    private static FieldTransform field(String key, JsonNode value) {
        JsonNode expression = value.get("expression");
        JsonNode column = value.get("column");
        JsonNode transform = value.get("transform");
        if (expression != null && !expression.isNull()) {
            if (!expression.isTextual() || column != null || transform != null) {
                throw new IllegalArgumentException("'" + key + "' is calculated: give only {\"expression\": \"...\"}");
            }
            return FieldTransform.calculated(expression.asText());
        }
        if (column != null && !column.isTextual() || column != null && column.asText().isBlank()) {
            throw new IllegalArgumentException("'" + key + "'.column must be a header name");
        }
        if (column == null && CanonicalField.byFieldName(key).isPresent()) {
            throw new IllegalArgumentException("'" + key + "' needs \"column\" (the header it reads) or "
                    + "\"expression\"");
        }
        List<String> steps = new ArrayList<>();
        if (transform != null && transform.isTextual()) {
            steps.add(transform.asText());
        } else if (transform != null && transform.isArray()) {
            for (JsonNode step : transform) {
                if (!step.isTextual()) {
                    throw new IllegalArgumentException("'" + key + "'.transform must be a list of transforms such "
                            + "as [\"trim\", \"parse_number('de-DE')\"]");
                }
                steps.add(step.asText());
            }
        } else if (transform != null && !transform.isNull()) {
            throw new IllegalArgumentException("'" + key + "'.transform must be a list of transforms such as "
                    + "[\"trim\", \"parse_number('de-DE')\"]");
        }
        return FieldTransform.pipeline(column == null ? key : column.asText().strip(), steps);
    }

    /** The wire form; see the class comment. */
    public static ObjectNode write(ObjectMapper json, Transforms transforms) {
        ObjectNode root = json.createObjectNode();
        ObjectNode fields = root.putObject("fields");
        transforms.fields().forEach((name, transform) -> {
            ObjectNode node = fields.putObject(name);
            if (transform.isCalculated()) {
                node.put("expression", transform.expression());
            } else {
                node.put("column", transform.column());
                transform.steps().forEach(node.putArray("transform")::add);
            }
        });
        ObjectNode calculated = root.putObject(CALCULATED);
        transforms.calculated().forEach(calculated::put);
        return root;
    }

    /** Reads {@link #write}'s form; throws IllegalArgumentException for anything else. */
    public static Transforms read(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Transforms.NONE;
        }
        Map<String, FieldTransform> fields = new LinkedHashMap<>();
        node.path("fields").properties().forEach(e -> fields.put(e.getKey(), field(e.getKey(), e.getValue())));
        Map<String, String> calculated = new LinkedHashMap<>();
        node.path(CALCULATED).properties().forEach(e -> calculated.put(e.getKey(), e.getValue().asText()));
        return new Transforms(fields, calculated);
    }
}
