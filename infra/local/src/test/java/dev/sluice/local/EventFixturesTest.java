package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.local.events.S3EventNotifications;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The fixtures in the repository's {@code events/} have exactly the shape the local runtime produces. */
class EventFixturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode fixture(String name) throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        try (InputStream in = Files.newInputStream(dir.resolve("events").resolve(name))) {
            return JSON.readTree(in);
        }
    }

    private static TreeSet<String> paths(JsonNode node, String prefix, TreeSet<String> into) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                paths(field.getValue(), prefix + "/" + field.getKey(), into);
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                paths(item, prefix + "[]", into);
            }
        } else {
            into.add(prefix);
        }
        return into;
    }

    @Test
    void s3EventFixtureMatchesWhatTheRuntimeSends() throws Exception {
        JsonNode fixture = fixture("s3-object-created.json");
        JsonNode produced = JSON.readTree(S3EventNotifications.event("sluice-uploads-000000000000",
                "uploads/local/3f1c9a2e-8b7d-4c6e-9a1b-2d3e4f5a6b7c/sales 2024 (Q1).csv", 1_048_576,
                "b1946ac92492d2347c6235b4d2611184", "ObjectCreated:Put", "UploadBucket-queue-1", Instant.now(),
                "00062A8B7C3D2E1F40"));
        assertEquals(paths(fixture, "", new TreeSet<>()), paths(produced, "", new TreeSet<>()));
        assertEquals("uploads/local/3f1c9a2e-8b7d-4c6e-9a1b-2d3e4f5a6b7c/sales+2024+%28Q1%29.csv",
                produced.at("/Records/0/s3/object/key").asText(), "URL-encoded with + for spaces, / kept");
    }

    @Test
    void sqsFixtureWrapsTheS3Event() throws Exception {
        JsonNode record = fixture("sqs-ingest-s3-event.json").at("/Records/0");
        assertEquals(fixture("s3-object-created.json"), JSON.readTree(record.get("body").asText()));
        assertEquals("aws:sqs", record.get("eventSource").asText());
    }

    @Test
    void apiFixtureIsAPostToUploads() throws Exception {
        JsonNode event = fixture("api-post-uploads.json");
        assertEquals("POST", event.at("/requestContext/http/method").asText());
        assertEquals("uploads", event.at("/pathParameters/proxy").asText());
        assertEquals("marketing", JSON.readTree(event.get("body").asText()).get("datasetId").asText());
    }
}
