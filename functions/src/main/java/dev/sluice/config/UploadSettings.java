package dev.sluice.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.upload.UploadLimits.Partner;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The partner table from environment variable PARTNERS (template parameter Partners; README "Partner drops"). */
final class UploadSettings {
    private UploadSettings() {
    }

    /** {@code {"acme": {"owner": "<sub>", "dataset": "acme"}, …}}; a malformed table stops the function at start. */
    static Map<String, Partner> partners(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json.isBlank() ? "{}" : json);
        } catch (IOException e) {
            throw new IllegalStateException("environment variable PARTNERS is not JSON: expected "
                    + "{\"partner\": {\"owner\": \"...\", \"dataset\": \"...\"}}");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalStateException("environment variable PARTNERS must be a JSON object");
        }
        Map<String, Partner> partners = new LinkedHashMap<>();
        root.properties().forEach(e -> {
            String owner = e.getValue().path("owner").asText("");
            String dataset = e.getValue().path("dataset").asText(e.getKey());
            if (owner.isBlank()) {
                throw new IllegalStateException("PARTNERS: partner '" + e.getKey() + "' names no owner");
            }
            partners.put(e.getKey(), new Partner(owner, dataset.isBlank() ? e.getKey() : dataset));
        });
        return partners;
    }
}
