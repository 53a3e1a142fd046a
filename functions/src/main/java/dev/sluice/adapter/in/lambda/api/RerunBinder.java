package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.wire.TransformsJson;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.rerun.RerunRun;
import dev.sluice.application.upload.UploadRequest;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.transform.Transforms;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code POST /api/runs/{id}/rerun {"mapping"?, "settings"?}}: no body at all re-runs with the old run's request. */
public final class RerunBinder {
    private static final Set<String> FIELDS = Set.of("mapping", "settings");
    private static final Set<String> SETTINGS = Set.of("encoding", "delimiter", "headerRow", "dateOrder",
            "decimalStyle");

    private final RequestBinder binder;

    public RerunBinder(RequestBinder binder) {
        this.binder = binder;
    }

    public RerunRun.Request request(ApiRequest request) {
        if (request.body() == null || request.body().isBlank()) {
            return new RerunRun.Request(Map.of(), null);
        }
        JsonNode body = binder.jsonBody(request);
        if (!body.isObject()) {
            throw InvalidRequestException.badField("body", "must be a JSON object like {\"mapping\": {...}}");
        }
        RequestBinder.refuseUnknownFields(body, FIELDS, "");
        return new RerunRun.Request(mapping(body.path("mapping")), settings(body.path("settings")));
    }

    /**
     * The same mapping an upload takes, transformations and calculated columns included ({@link TransformsJson});
     * they travel under {@link Transforms#REQUESTED_KEY} as on an upload.
     */
    private static Map<String, String> mapping(JsonNode node) {
        Map<String, String> mapping = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return mapping;
        }
        TransformsJson.RequestMapping read = RequestBinder.requestMapping(node);
        mapping.putAll(read.columns());
        if (!read.transforms().isEmpty()) {
            String transforms = UploadRequest.checkedTransforms(read.transforms().encode());
            if (!transforms.isEmpty()) {
                mapping.put(Transforms.REQUESTED_KEY, transforms);
            }
        }
        return mapping;
    }

    private static ReadingSettings settings(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw InvalidRequestException.badField("settings", "must be an object like {\"delimiter\": \";\"}");
        }
        RequestBinder.refuseUnknownFields(node, SETTINGS, "settings.");
        JsonNode headerRow = node.path("headerRow");
        if (!headerRow.isMissingNode() && !(headerRow.isInt() && headerRow.asInt() >= 0)) {
            throw InvalidRequestException.badField("settings.headerRow", "must be 0 (auto) or a line number");
        }
        String delimiter = text(node, "delimiter");
        if (delimiter != null && !delimiter.equals(ReadingSettings.AUTO_TEXT) && delimiter.length() != 1) {
            throw InvalidRequestException.badField("settings.delimiter", "must be auto or one character");
        }
        // AUTO is the first constant of both choices, the one a missing field takes.
        return new ReadingSettings(text(node, "encoding"), delimiter, headerRow.asInt(0),
                choice(node, "dateOrder", ReadingSettings.DateOrder.class),
                choice(node, "decimalStyle", ReadingSettings.DecimalStyle.class));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw InvalidRequestException.badField("settings." + field, "must be a string");
        }
        return value.asText();
    }

    private static <E extends Enum<E>> E choice(JsonNode node, String field, Class<E> type) {
        String value = text(node, field);
        E[] values = type.getEnumConstants();
        if (value == null) {
            return values[0];
        }
        for (E candidate : values) {
            if (candidate.name().equalsIgnoreCase(value)) {
                return candidate;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E candidate : values) {
            allowed.append(allowed.isEmpty() ? "" : ", ").append(candidate.name().toLowerCase(Locale.ROOT));
        }
        throw InvalidRequestException.badField("settings." + field, "must be one of " + allowed);
    }
}
