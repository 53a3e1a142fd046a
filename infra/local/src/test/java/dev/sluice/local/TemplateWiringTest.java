package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.local.template.SamTemplate;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The local runtime takes its wiring from the template it is given: a changed copy gives changed wiring. */
class TemplateWiringTest {
    private final ObjectMapper json = new ObjectMapper();

    private static String replaceOnce(String text, String from, String to) {
        String changed = text.replace(from, to);
        assertNotEquals(text, changed, "the template no longer contains: " + from);
        return changed;
    }

    @Test
    void aChangedCopyOfTheTemplateChangesQueuesAndEnvironmentAndTheDatabaseStaysLocal(@TempDir Path dir)
            throws Exception {
        Path original = SamTemplate.locate(Path.of(""))
                .orElseThrow(() -> new AssertionError("template.yaml not found"));
        String text = Files.readString(original);
        // ChunkQueue's visibility timeout is the ChunkVisibilityTimeout parameter; change its default.
        text = replaceOnce(text, "  ChunkVisibilityTimeout:\n    Type: Number\n    Default: 720\n",
                "  ChunkVisibilityTimeout:\n    Type: Number\n    Default: 777\n");
        text = replaceOnce(text, "    Default: 4194304\n", "    Default: 123456\n");
        Path copy = dir.resolve("template.yaml");
        Files.writeString(copy, text);

        try (LocalSluice sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dir.resolve("data"))
                .template(copy).eventSourcesEnabled(false).build())) {
            String visibility = sluice.sqsClient().getQueueAttributes(b -> b.queueUrl(sluice.queueUrl("ChunkQueue"))
                    .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT)).attributes()
                    .get(QueueAttributeName.VISIBILITY_TIMEOUT);
            assertEquals("777", visibility);
            assertEquals("123456", sluice.localFunction("SplitFunction").environment().get("CHUNK_BYTES"));

            // DatabaseUrl is empty in the template (AWS creates a cluster); locally it is the runtime's PostgreSQL.
            Map<String, String> load = sluice.localFunction("LoadFunction").environment();
            assertEquals(sluice.jdbcUrl(), load.get("DB_URL"));
            assertEquals(sluice.dbPassword(), load.get("DB_PASSWORD"));
            assertFalse(sluice.localFunction("SplitFunction").environment().containsKey("DB_URL"));

            siteConfigIsWrittenToTheSiteBucket(sluice);
        }
    }

    /** The deploy-time custom resource runs against the emulated S3 like any handler. */
    private void siteConfigIsWrittenToTheSiteBucket(LocalSluice sluice) throws Exception {
        List<JsonNode> answers = new CopyOnWriteArrayList<>();
        HttpServer cloudFormation = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cloudFormation.createContext("/", exchange -> {
            answers.add(json.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        cloudFormation.start();
        try {
            String bucket = sluice.bucketName("SiteBucket");
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("apiBase", "https://abc.execute-api.us-east-1.amazonaws.com");
            config.put("wsUrl", "");
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("RequestType", "Create");
            event.put("ResponseURL", "http://127.0.0.1:" + cloudFormation.getAddress().getPort() + "/r");
            event.put("StackId", "stack");
            event.put("RequestId", "request");
            event.put("LogicalResourceId", "SiteConfig");
            event.put("ResourceProperties", Map.of("Bucket", bucket, "Key", "config.json", "Config", config,
                    "Region", "us-east-1", "UserPoolId", "us-east-1_Pool1", "UserPoolClientId", "client1"));

            sluice.localFunction("SiteConfigFunction").invoke(event);

            assertEquals("SUCCESS", answers.getFirst().get("Status").asText(), answers.toString());
            String written = sluice.s3Client().getObjectAsBytes(b -> b.bucket(bucket).key("config.json"))
                    .asString(StandardCharsets.UTF_8);
            config.put("auth", Map.of("kind", "cognito", "region", "us-east-1", "userPoolId", "us-east-1_Pool1",
                    "clientId", "client1"));
            assertEquals(json.valueToTree(config), json.readTree(written));
        } finally {
            cloudFormation.stop(0);
        }
    }
}
