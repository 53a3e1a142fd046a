package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import dev.sluice.local.emulator.PostgresEmulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, publishing, through the running local stack over real HTTP: a run that loaded is published into its
 * dataset by PublishFunction (PublishQueue) before it is SUCCEEDED; a dataset with review stops runs in REVIEW with
 * exact counts, and they are published, discarded or cancelled; an upsert correction merges; a rollback restores;
 * a run being published cannot be cancelled.
 */
class PublishEndToEndTest {
    private static final String HEADER = "date,campaign,channel,spend,clicks\n";
    private static final Map<String, String> MAPPING = Map.of("date", "date", "campaign", "campaign",
            "channel", "channel", "spend", "spend", "clicks", "clicks");
    private static Path dataDir;
    private static LocalSluice sluice;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-publish");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir).build());
        api = new ApiClient(sluice.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        TestDirs.stop(sluice, dataDir);
    }

    @Test
    void aLoadedRunIsPublishedIntoItsDatasetBeforeItSucceeds() throws Exception {
        ApiClient.Response created = api.post("datasets", "{\"name\": \"Appended\"}");
        assertEquals(201, created.status(), created.body()::toString);
        assertEquals("append", created.body().get("publish").asText());
        String dataset = created.body().get("id").asText();
        String runId = api.upload("a.csv", csv("2024-05-01,Spring,Search,10.00,5",
                "2024-05-01,Spring,Social,20.00,6", "2024-05-02,Spring,Search,30.00,7"), MAPPING, dataset);
        JsonNode run = api.awaitFinal(runId);
        assertEquals("SUCCEEDED", run.get("status").asText(), run::toString);
        assertEquals("published", run.at("/publication/state").asText(), run::toString);
        assertEquals(3, run.at("/publication/counts/inserted").asLong());
        assertEquals(3, rows(dataset).size());
        assertEquals("60.00", scalar("SELECT sum(spend)::text FROM dataset_rollups WHERE dataset_id = ?", dataset));
    }

    @Test
    void aReviewedUpsertCorrectionIsPublishedWithExactCountsAndRollsBack() throws Exception {
        ApiClient.Response created = api.post("datasets", "{\"name\": \"Reviewed\", \"publish\": \"upsert\", "
                + "\"review\": true}");
        assertEquals(201, created.status(), created.body()::toString);
        assertEquals("[\"date\",\"campaign\",\"channel\"]", created.body().get("publishKey").toString());
        String dataset = created.body().get("id").asText();

        String first = api.upload("first.csv", csv("2024-05-01,Spring,Search,10.00,5",
                "2024-05-01,Spring,Social,20.00,6", "2024-05-02,Spring,Search,30.00,7"), MAPPING, dataset);
        JsonNode waiting = awaitReviewCounts(first);
        assertEquals("review", waiting.at("/publication/state").asText());
        assertEquals(3, waiting.at("/publication/counts/inserted").asLong(), waiting::toString);
        assertEquals(0, rows(dataset).size(), "nothing is published while the run waits in review");
        ApiClient.Response publish = api.post("runs/" + first + "/publish", "");
        assertEquals(202, publish.status(), publish.body()::toString);
        assertEquals("SUCCEEDED", api.awaitFinal(first).get("status").asText());

        String second = api.upload("second.csv", csv("2024-05-01,Spring,Search,10.0,5",
                "2024-05-01,Spring,Social,25.00,6", "2024-05-03,Spring,Search,50.00,9",
                "2024-05-01,Spring,Social,26.00,6"), MAPPING, dataset);
        awaitReviewCounts(second);
        ApiClient.Response review = api.get("runs/" + second + "/review");
        assertEquals(200, review.status(), review.body()::toString);
        JsonNode counts = review.body().get("counts");
        assertEquals("{\"inserted\":1,\"updated\":1,\"unchanged\":1,\"conflicting\":1,\"removed\":0}",
                counts.toString());
        assertEquals("[2,4]", review.body().at("/samples/conflicting/0/recordNos").toString());
        assertEquals("20.00", review.body().at("/samples/updated/0/old/spend").asText());
        assertEquals("26.00", review.body().at("/samples/updated/0/new/spend").asText());
        assertEquals(202, api.post("runs/" + second + "/publish", "").status());
        JsonNode published = api.awaitFinal(second);
        assertEquals(counts, published.at("/publication/counts"), "review counted what publishing did");

        Map<String, String> merged = new TreeMap<>(Map.of(
                "[\"2024-05-01\", \"Spring\", \"Search\"]", first + ":10.00",
                "[\"2024-05-01\", \"Spring\", \"Social\"]", second + ":26.00",
                "[\"2024-05-02\", \"Spring\", \"Search\"]", first + ":30.00",
                "[\"2024-05-03\", \"Spring\", \"Search\"]", second + ":50.00"));
        assertEquals(merged, rows(dataset));

        String third = api.upload("third.csv", csv("2024-05-09,Autumn,Search,1.00,1"), MAPPING, dataset);
        awaitReviewCounts(third);
        ApiClient.Response discarded = api.post("runs/" + third + "/discard", "");
        assertEquals(200, discarded.status(), discarded.body()::toString);
        assertEquals("CANCELLED", discarded.body().get("status").asText());
        assertEquals("DISCARDED", discarded.body().at("/failure/code").asText());
        assertEquals("discarded", discarded.body().at("/publication/state").asText());
        ApiClient.Response late = api.post("runs/" + third + "/publish", "");
        assertEquals(409, late.status());
        assertEquals("NOT_IN_REVIEW", late.body().at("/error/code").asText());
        assertEquals(merged, rows(dataset), "a discarded run publishes nothing");

        ApiClient.Response undone = api.post("runs/" + second + "/rollback", "");
        assertEquals(200, undone.status(), undone.body()::toString);
        assertEquals("ROLLED_BACK", undone.body().get("status").asText());
        assertEquals("rolled_back", undone.body().at("/publication/state").asText());
        assertEquals(2, undone.body().at("/publication/rollback/removed").asLong());
        assertEquals(1, undone.body().at("/publication/rollback/restored").asLong());
        assertEquals(Map.of(
                "[\"2024-05-01\", \"Spring\", \"Search\"]", first + ":10.00",
                "[\"2024-05-01\", \"Spring\", \"Social\"]", first + ":20.00",
                "[\"2024-05-02\", \"Spring\", \"Search\"]", first + ":30.00"), rows(dataset));
        ApiClient.Response again = api.post("runs/" + second + "/rollback", "");
        assertEquals(409, again.status());
        assertEquals("ALREADY_ROLLED_BACK", again.body().at("/error/code").asText());
    }

    @Test
    void aRunBeingPublishedCannotBeCancelledButRollsBackOncePublishedAndARunInReviewCanBeCancelled()
            throws Exception {
        ApiClient.Response created = api.post("datasets", "{\"name\": \"Not cancelled\"}");
        assertEquals(201, created.status(), created.body()::toString);
        String dataset = created.body().get("id").asText();
        String runId;
        // PublishFunction held back: the run stays PUBLISHING as it would while a large publish commits.
        sluice.pauseEventSource("PublishFunction");
        try {
            runId = api.upload("publishing.csv", csv("2024-05-01,Spring,Search,10.00,5",
                    "2024-05-02,Spring,Search,30.00,7"), MAPPING, dataset);
            api.awaitRun(runId, r -> r.path("status").asText().equals("PUBLISHING"), Duration.ofSeconds(90));
            ApiClient.Response refused = api.post("runs/" + runId + "/cancel", "");
            assertEquals(409, refused.status(), refused.body()::toString);
            assertEquals("RUN_PUBLISHING", refused.body().at("/error/code").asText());
            assertEquals("Run " + runId + " is being published into dataset " + dataset + " and can no longer be "
                    + "cancelled; roll it back (POST /api/runs/" + runId + "/rollback) once it is published.",
                    refused.body().at("/error/message").asText());
        } finally {
            sluice.resumeEventSource("PublishFunction");
        }
        JsonNode published = api.awaitFinal(runId);
        assertEquals("SUCCEEDED", published.get("status").asText(), published::toString);
        assertEquals(2, rows(dataset).size());
        ApiClient.Response undone = api.post("runs/" + runId + "/rollback", "");
        assertEquals(200, undone.status(), undone.body()::toString);
        assertEquals(0, rows(dataset).size());

        ApiClient.Response reviewed = api.post("datasets", "{\"name\": \"Cancelled in review\", \"review\": true}");
        assertEquals(201, reviewed.status(), reviewed.body()::toString);
        String reviewDataset = reviewed.body().get("id").asText();
        String waiting = api.upload("waiting.csv", csv("2024-05-01,Spring,Search,10.00,5"), MAPPING, reviewDataset);
        awaitReviewCounts(waiting);
        ApiClient.Response cancelled = api.post("runs/" + waiting + "/cancel", "");
        assertEquals(200, cancelled.status(), cancelled.body()::toString);
        assertEquals("CANCELLED", cancelled.body().get("status").asText());
        assertEquals("CANCELLED", cancelled.body().at("/failure/code").asText());
        ApiClient.Response late = api.post("runs/" + waiting + "/publish", "");
        assertEquals(409, late.status());
        assertEquals("NOT_IN_REVIEW", late.body().at("/error/code").asText());
        assertEquals("0", scalar("SELECT count(*)::text FROM dataset_rows WHERE run_id = ?", waiting));
    }

    @Test
    void publishSettingsAreCheckedWithSpecificErrors() throws Exception {
        ApiClient.Response rawUpsert = api.post("datasets", "{\"name\": \"r\", \"kind\": \"raw\", "
                + "\"publish\": \"upsert\"}");
        assertEquals(400, rawUpsert.status());
        assertEquals("INVALID_PUBLISH", rawUpsert.body().at("/error/code").asText());
        ApiClient.Response badKey = api.post("datasets", "{\"name\": \"m\", \"publishKey\": [\"Kosten\"]}");
        assertEquals(400, badKey.status());
        assertTrue(badKey.body().at("/error/message").asText().contains("\"Kosten\" is not one"),
                badKey.body()::toString);
        String raw = api.post("datasets", "{\"name\": \"r\", \"kind\": \"raw\", \"publish\": \"upsert\", "
                + "\"publishKey\": [\"Order Id\"], \"review\": true}").body().get("id").asText();
        JsonNode patched = api.patch("datasets/" + raw, "{\"publish\": \"replace\", \"review\": false}").body();
        assertEquals("replace", patched.get("publish").asText());
        assertEquals("[\"Order Id\"]", patched.get("publishKey").toString());
        assertEquals(false, patched.get("review").asBoolean());
    }

    /** The run in REVIEW once PublishFunction has stored what publishing it would do. */
    private static JsonNode awaitReviewCounts(String runId) throws Exception {
        return api.awaitRun(runId, r -> r.path("status").asText().equals("REVIEW")
                && r.at("/publication/counts").isObject(), Duration.ofSeconds(90));
    }

    private static byte[] csv(String... lines) {
        return (HEADER + String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The dataset's current rows: key to "runId:spend". */
    private static Map<String, String> rows(String dataset) throws Exception {
        Map<String, String> rows = new TreeMap<>();
        try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement(
                "SELECT row_key, run_id, spend::text FROM dataset_rows WHERE dataset_id = ? "
                        + "AND superseded_by IS NULL")) {
            query.setString(1, dataset);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.put(result.getString(1), result.getString(2) + ":" + result.getString(3));
                }
            }
        }
        return rows;
    }

    private static String scalar(String sql, String parameter) throws Exception {
        try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getString(1);
            }
        }
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(sluice.jdbcUrl(), PostgresEmulator.LOCAL_USER,
                PostgresEmulator.LOCAL_PASSWORD);
    }
}
