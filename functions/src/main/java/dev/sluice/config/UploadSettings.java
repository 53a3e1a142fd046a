package dev.sluice.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.split.UploadLimits;
import dev.sluice.application.split.UploadLimits.Partner;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The upload limits and partner table from the environment (template parameters on AWS; see README "Uploads"). */
final class UploadSettings {
    private UploadSettings() {
    }

    static UploadLimits fromEnvironment(Map<String, String> env) {
        return new UploadLimits(
                Long.parseLong(env.getOrDefault("MAX_FILE_BYTES", "5368709120")),
                Long.parseLong(env.getOrDefault("MAX_DECOMPRESSED_BYTES", "5368709120")),
                Integer.parseInt(env.getOrDefault("MAX_COLUMNS", "200")),
                Integer.parseInt(env.getOrDefault("MAX_FIELD_BYTES", "65536")),
                Long.parseLong(env.getOrDefault("MAX_RECORDS_PER_FILE", "10000000")),
                Integer.parseInt(env.getOrDefault("MAX_UPLOADS_PER_HOUR", "100")),
                Long.parseLong(env.getOrDefault("MULTIPART_THRESHOLD_BYTES", "104857600")),
                Long.parseLong(env.getOrDefault("MULTIPART_PART_BYTES", "16777216")),
                partners(env.getOrDefault("PARTNERS", "{}")));
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
