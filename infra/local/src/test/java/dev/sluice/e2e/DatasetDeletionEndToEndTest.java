package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import dev.sluice.local.TestSignIn;
import dev.sluice.local.emulator.PostgresEmulator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Deleting a dataset through the running local stack over real HTTP takes everything of it along: its source (the
 * scheduled pull, the encrypted header secret, the pull history), its destination (the encrypted password, the
 * deliveries), its runs and what they published (rows and every rollup table). And a run or pull whose dataset is
 * gone anyway (its item removed underneath, as when a run starts while its dataset is being deleted) neither loads
 * nor publishes: the run ends FAILED with DATASET_NOT_FOUND, the pull records why it did nothing.
 */
class DatasetDeletionEndToEndTest {
    private static final String API_KEY = "cascade-k3y-51d9";
    private static final String HEADER = "date,campaign,channel,spend,clicks\n";
    private static final String CSV = HEADER + "2024-05-01,Spring,Search,10.00,5\n2024-05-02,Spring,Social,20.00,6\n";
    private static final Map<String, String> MAPPING = Map.of("date", "date", "campaign", "campaign",
            "channel", "channel", "spend", "spend", "clicks", "clicks");
    /** Every table that holds a dataset's published data or its deliveries, by dataset id. */
    private static final List<String> DATASET_TABLES = List.of("dataset_rows", "dataset_rollups",
            "dataset_day_channel_rollups", "dataset_month_campaign_rollups", "publish_ledger", "deliveries");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dataDir;
    private static Path keyDir;
    private static HttpServer server;
    private static LocalSluice sluice;
    private static ApiClient demo;

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/spend.csv", DatasetDeletionEndToEndTest::spend);
        server.start();
        dataDir = Files.createTempDirectory("sluice-deletion");
        keyDir = Files.createTempDirectory("sluice-deletion-key");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir)
                .secretKeyFile(keyDir.resolve("secret.key")).build());
        demo = new ApiClient(sluice.baseUrl(), TestSignIn.DEMO, TestSignIn.DEMO_PASSWORD);
        execute("CREATE SCHEMA IF NOT EXISTS cascade_mart",
                "CREATE TABLE IF NOT EXISTS cascade_mart.spend (day date, campaign text, amount numeric(12,2))");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            TestDirs.stop(sluice, dataDir);
        } finally {
            server.stop(0);
            TestDirs.delete(keyDir);
        }
    }

    @Test
    void deletingADatasetDeletesItsSourcesDestinationsSecretsSchedulesRunsAndPublishedRows() throws Exception {
        List<Path> secretsBefore = secretFiles();
        String datasetId = created(demo.post("datasets", "{\"name\": \"Cascade\"}"));
        String destinationId = created(demo.post("datasets/" + datasetId + "/destinations", destination()));
        String sourceId = created(demo.post("datasets/" + datasetId + "/sources", JSON.writeValueAsString(Map.of(
                "kind", "csv-url", "url", "http://127.0.0.1:" + server.getAddress().getPort() + "/spend.csv",
                "schedule", "rate(1 day)", "headers", Map.of("X-Api-Key", API_KEY)))));
        assertTrue(sluice.scheduledPulls().contains(sourceId), "the source's pull is scheduled");
        assertEquals(secretsBefore.size() + 2, secretFiles().size(), "the header and the password are stored");

        ApiClient.Response pulled = demo.post("sources/" + sourceId + "/pull", "{}");
        assertEquals(202, pulled.status(), pulled.body()::toString);
        String runId = pulled.body().get("runId").asText();
        JsonNode run = demo.awaitFinal(runId);
        assertEquals("SUCCEEDED", run.get("status").asText(), run::toString);
        assertEquals("published", run.at("/publication/state").asText(), run::toString);
        awaitDelivered(runId);
        for (String table : DATASET_TABLES) {
            assertTrue(count(table, datasetId) > 0, table + " holds the dataset's data before the deletion");
        }

        ApiClient.Response deleted = demo.delete("datasets/" + datasetId);
        assertEquals(204, deleted.status(), () -> String.valueOf(deleted.body()));

        assertNotFound(demo.get("datasets/" + datasetId));
        assertNotFound(demo.get("sources/" + sourceId));
        assertNotFound(demo.get("sources/" + sourceId + "/pulls"));
        assertNotFound(demo.post("sources/" + sourceId + "/pull", "{}"));
        assertNotFound(demo.get("destinations/" + destinationId));
        assertNotFound(demo.get("runs/" + runId));
        assertFalse(sluice.scheduledPulls().contains(sourceId), "the source's schedule is gone");
        assertEquals(secretsBefore, secretFiles(), "the dataset's secrets are gone from the data directory");
        for (String table : DATASET_TABLES) {
            assertEquals(0, count(table, datasetId), table + " still holds rows of the deleted dataset");
        }
        assertEquals(0, scalar("SELECT count(*) FROM records WHERE run_id = ?", runId));
    }

    @Test
    void aRunOrPullWhoseDatasetIsGoneNeitherLoadsNorPublishes() throws Exception {
        String datasetId = created(demo.post("datasets", "{\"name\": \"Vanishing\", \"review\": true}"));
        String sourceId = created(demo.post("datasets/" + datasetId + "/sources", JSON.writeValueAsString(Map.of(
                "kind", "csv-url", "url", "http://127.0.0.1:" + server.getAddress().getPort() + "/spend.csv",
                "headers", Map.of("X-Api-Key", API_KEY)))));
        String reviewed = demo.upload("reviewed.csv", CSV.getBytes(StandardCharsets.UTF_8), MAPPING, datasetId);
        // Once PublishFunction has counted the review, nothing more happens to the run until a person acts.
        demo.awaitRun(reviewed, r -> r.path("status").asText().equals("REVIEW")
                && r.at("/publication/counts").isObject(), Duration.ofSeconds(90));
        String unsplit;
        sluice.pauseEventSource("SplitFunction");
        try {
            unsplit = demo.upload("unsplit.csv", (HEADER + "2024-05-03,Summer,Search,30.00,7\n")
                    .getBytes(StandardCharsets.UTF_8), MAPPING, datasetId);
            // The dataset's item goes while its runs and source stay: what a run created as its dataset is being
            // deleted finds (the deletion read the dataset's runs before this run existed).
            sluice.dynamoDbClient().deleteItem(b -> b.tableName(sluice.tableName("DatasetsTable"))
                    .key(Map.of("id", AttributeValue.fromS(datasetId))));
        } finally {
            sluice.resumeEventSource("SplitFunction");
        }

        JsonNode split = demo.awaitFinal(unsplit);
        assertDatasetNotFound(split, datasetId, "unsplit.csv");
        assertEquals(0, split.get("stored").asLong(), split::toString);
        assertEquals(0, scalar("SELECT count(*) FROM records WHERE run_id = ?", unsplit), "nothing was loaded");

        ApiClient.Response review = demo.get("runs/" + reviewed + "/review");
        assertEquals(409, review.status(), review.body()::toString);
        assertEquals("DATASET_NOT_FOUND", review.body().at("/error/code").asText());
        ApiClient.Response publish = demo.post("runs/" + reviewed + "/publish", "{}");
        assertEquals(202, publish.status(), publish.body()::toString);
        assertDatasetNotFound(demo.awaitFinal(reviewed), datasetId, "reviewed.csv");

        ApiClient.Response pulled = demo.post("sources/" + sourceId + "/pull", "{}");
        assertEquals(202, pulled.status(), pulled.body()::toString);
        assertTrue(pulled.body().get("runId").isNull(), pulled.body()::toString);
        assertEquals("failed", pulled.body().at("/pull/status").asText(), pulled.body()::toString);
        assertTrue(pulled.body().at("/pull/error").asText().contains("dataset '" + datasetId + "'"),
                pulled.body()::toString);
        JsonNode history = demo.get("sources/" + sourceId + "/pulls").body();
        assertEquals(pulled.body().get("pullId").asText(), history.at("/items/0/pullId").asText(),
                "the pull record says what happened: " + history);
        assertEquals(1, history.get("items").size(), history::toString);

        for (String table : DATASET_TABLES) {
            assertEquals(0, count(table, datasetId), table + " holds rows of a dataset that is gone");
        }
    }

    private static void assertDatasetNotFound(JsonNode run, String datasetId, String fileName) {
        assertEquals("FAILED", run.get("status").asText(), run::toString);
        assertEquals("DATASET_NOT_FOUND", run.at("/failure/code").asText(), run::toString);
        String message = run.at("/failure/message").asText();
        assertTrue(message.contains("'" + datasetId + "'") && message.contains("'" + fileName + "'"), message);
    }

    private static void assertNotFound(ApiClient.Response response) {
        assertEquals(404, response.status(), response.body()::toString);
    }

    private static String created(ApiClient.Response response) {
        assertEquals(201, response.status(), response.body()::toString);
        return response.body().get("id").asText();
    }

    /** A destination into a table of the stack's own PostgreSQL, reached over TCP with its password. */
    private static String destination() throws Exception {
        URI database = URI.create(sluice.jdbcUrl().substring("jdbc:".length()));
        Map<String, Object> body = new TreeMap<>(Map.of("name", "mart", "kind", "postgres", "host",
                database.getHost(), "port", database.getPort(), "database", database.getPath().substring(1),
                "user", PostgresEmulator.LOCAL_USER, "password", PostgresEmulator.LOCAL_PASSWORD, "sslMode", "disable",
                "schema", "cascade_mart", "table", "spend"));
        body.put("columns", Map.of("day", "date", "campaign", "campaign", "amount", "spend"));
        return JSON.writeValueAsString(body);
    }

    /** Polls the run's one delivery until it is delivered (failed fails at once). */
    private static void awaitDelivered(String runId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode items = demo.get("runs/" + runId + "/deliveries").body().get("items");
            String status = items.size() == 1 ? items.get(0).get("status").asText() : "none";
            assertFalse(status.equals("failed"), items::toString);
            if (status.equals("delivered")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("run " + runId + " was not delivered within 30 s: " + items);
            }
            Thread.sleep(100);
        }
    }

    private static List<Path> secretFiles() throws IOException {
        Path secrets = dataDir.resolve("secrets");
        if (!Files.isDirectory(secrets)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(secrets)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".secret")).sorted().toList();
        }
    }

    private static long count(String table, String datasetId) throws Exception {
        return scalar("SELECT count(*) FROM " + table + " WHERE dataset_id = ?", datasetId);
    }

    private static long scalar(String sql, String parameter) throws Exception {
        try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private static void execute(String... statements) throws Exception {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(sluice.jdbcUrl(), PostgresEmulator.LOCAL_USER,
                PostgresEmulator.LOCAL_PASSWORD);
    }

    /** The CSV, only with the API key (so the header secret is what the pull used). */
    private static void spend(HttpExchange exchange) throws IOException {
        boolean authorised = API_KEY.equals(exchange.getRequestHeaders().getFirst("X-Api-Key"));
        byte[] body = (authorised ? CSV : "unauthorised").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", authorised ? "text/csv" : "text/plain");
        exchange.sendResponseHeaders(authorised ? 200 : 401, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
