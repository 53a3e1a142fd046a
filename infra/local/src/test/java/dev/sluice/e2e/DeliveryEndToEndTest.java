package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, delivery, through the running local stack over real HTTP: a dataset with an upsert destination on a
 * second PostgreSQL (password authentication over TCP) gets each published run delivered by DeliveryFunction
 * (DeliveryQueue); the target table holds exactly the CSV's rows, then the merged state after a corrected file, and
 * the destination's password appears in no answer.
 */
class DeliveryEndToEndTest {
    private static final String PASSWORD = "Sw0rdf1sh!-e2e-delivery";
    private static final String HEADER = "date,campaign,channel,spend,clicks\n";
    private static final Map<String, String> MAPPING = Map.of("date", "date", "campaign", "campaign",
            "channel", "channel", "spend", "spend", "clicks", "clicks");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dataDir;
    private static Path keyDir;
    private static LocalSluice sluice;
    private static EmbeddedPostgres target;
    private static ApiClient api;
    /** Every API answer received, checked for the password at the end. */
    private final List<String> answers = new ArrayList<>();
    private String datasetId;

    @BeforeAll
    static void start() throws Exception {
        target = startTarget();
        execute("CREATE ROLE deliverer LOGIN PASSWORD '" + PASSWORD + "'",
                "GRANT CREATE, USAGE ON SCHEMA public TO deliverer",
                "CREATE TABLE stats (day date NOT NULL, campaign text NOT NULL, channel text NOT NULL, "
                        + "spend numeric(12,2), clicks bigint, PRIMARY KEY (day, campaign, channel))",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON stats TO deliverer");
        dataDir = Files.createTempDirectory("sluice-delivery");
        keyDir = Files.createTempDirectory("sluice-delivery-key");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir)
                .secretKeyFile(keyDir.resolve("secret.key")).build());
        api = new ApiClient(sluice.baseUrl());
    }

    /** A target that asks for passwords over TCP (embedded PostgreSQL trusts everyone by default). */
    private static EmbeddedPostgres startTarget() throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        String hbaFile;
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SHOW hba_file")) {
            rows.next();
            hbaFile = rows.getString(1);
        }
        Files.writeString(Path.of(hbaFile), "local all all trust\n"
                + "host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust\n"
                + "host all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n");
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_reload_conf()");
        }
        return postgres;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            TestDirs.stop(sluice, dataDir);
        } finally {
            if (target != null) {
                target.close();
            }
        }
    }

    @Test
    void publishedRunsAreDeliveredIntoTheTargetAndACorrectionIsMerged() throws Exception {
        ApiClient.Response dataset = api.post("datasets", "{\"name\": \"Delivered\", \"publish\": \"upsert\"}");
        answers.add(String.valueOf(dataset.body()));
        assertEquals(201, dataset.status(), dataset.body()::toString);
        datasetId = dataset.body().get("id").asText();

        Map<String, Object> body = new TreeMap<>(Map.of("name", "warehouse", "kind", "postgres", "host",
                "127.0.0.1", "port", target.getPort(), "database", "postgres", "user", "deliverer", "password",
                PASSWORD, "sslMode", "disable", "schema", "public", "table", "stats"));
        body.put("columns", Map.of("day", "date", "campaign", "campaign", "channel", "channel", "spend", "spend",
                "clicks", "clicks"));
        body.put("strategy", "upsert");
        body.put("key", List.of("day", "campaign", "channel"));
        ApiClient.Response destination = api.post("datasets/" + datasetId + "/destinations",
                JSON.writeValueAsString(body));
        answers.add(String.valueOf(destination.body()));
        assertEquals(201, destination.status(), destination.body()::toString);
        assertEquals("***", destination.body().get("password").asText());
        String destinationId = destination.body().get("id").asText();
        ApiClient.Response tested = api.post("destinations/" + destinationId + "/test", "");
        answers.add(String.valueOf(tested.body()));
        assertEquals(true, tested.body().path("ok").asBoolean(), tested.body()::toString);

        List<String> first = List.of("2024-05-01,Spring,Search,10.00,5", "2024-05-01,Spring,Social,20.50,6",
                "2024-05-02,Spring,Search,30.00,7", "2024-05-02,Autumn,Display,4.25,1");
        Map<String, String> expected = new TreeMap<>();
        merge(expected, first);
        String firstRun = uploadAndDeliver("first.csv", first, destinationId, 4);
        assertEquals(expected, targetRows());
        assertEquals(4, expected.size());

        List<String> correction = List.of("2024-05-01,Spring,Social,25.00,9", "2024-05-03,Spring,Search,50.00,9");
        merge(expected, correction);
        String secondRun = uploadAndDeliver("second.csv", correction, destinationId, 2);
        assertEquals(expected, targetRows());
        assertEquals(5, expected.size());
        assertEquals("25.00|9", expected.get("2024-05-01|Spring|Social"), "the corrected row is the changed one");

        answers.add(String.valueOf(api.get("runs/" + firstRun + "/deliveries").body()));
        answers.add(String.valueOf(api.get("runs/" + secondRun).body()));
        answers.add(String.valueOf(api.get("datasets/" + datasetId + "/destinations").body()));
        answers.add(String.valueOf(api.get("destinations/" + destinationId).body()));
        for (String answer : answers) {
            assertFalse(answer.contains(PASSWORD), () -> "an answer shows the password: " + answer);
        }
    }

    /** Uploads the rows, waits for SUCCEEDED and then for the delivery to be delivered; returns the run id. */
    private String uploadAndDeliver(String name, List<String> lines, String destinationId, long rows)
            throws Exception {
        String runId = api.upload(name, (HEADER + String.join("\n", lines) + "\n")
                .getBytes(StandardCharsets.UTF_8), MAPPING, datasetId);
        JsonNode run = api.awaitFinal(runId);
        answers.add(run.toString());
        assertEquals("SUCCEEDED", run.get("status").asText(), run::toString);
        assertEquals("published", run.at("/publication/state").asText(), run::toString);
        JsonNode delivery = awaitDelivered(runId);
        assertEquals(destinationId, delivery.get("destinationId").asText());
        assertEquals(rows, delivery.get("rows").asLong(), delivery::toString);
        assertEquals(1, delivery.get("attempts").asInt(), delivery::toString);
        assertEquals(true, delivery.get("error").isNull(), delivery::toString);
        return runId;
    }

    /** Polls GET /api/runs/{id}/deliveries until its one delivery is delivered (failed fails at once). */
    private JsonNode awaitDelivered(String runId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            ApiClient.Response listed = api.get("runs/" + runId + "/deliveries");
            answers.add(String.valueOf(listed.body()));
            assertEquals(200, listed.status(), listed.body()::toString);
            JsonNode items = listed.body().get("items");
            if (items.size() == 1) {
                String status = items.get(0).get("status").asText();
                assertFalse(status.equals("failed"), items::toString);
                if (status.equals("delivered")) {
                    return items.get(0);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("run " + runId + " was not delivered within 30 s; last seen: "
                        + listed.body());
            }
            Thread.sleep(100);
        }
    }

    /** Upserts the CSV lines into the expected table by (day, campaign, channel); the last line of a key wins. */
    private static void merge(Map<String, String> table, List<String> lines) {
        for (String line : lines) {
            String[] cells = line.split(",");
            table.put(cells[0] + "|" + cells[1] + "|" + cells[2],
                    new BigDecimal(cells[3]).setScale(2) + "|" + Long.parseLong(cells[4]));
        }
    }

    private static Map<String, String> targetRows() throws Exception {
        Map<String, String> rows = new TreeMap<>();
        try (Connection connection = target.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT day, campaign, channel, spend, clicks FROM stats")) {
            while (result.next()) {
                String key = result.getString(1) + "|" + result.getString(2) + "|" + result.getString(3);
                assertEquals(null, rows.put(key, result.getString(4) + "|" + result.getString(5)), key);
            }
        }
        return rows;
    }

    private static void execute(String... statements) throws Exception {
        try (Connection connection = target.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
