package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.in.lambda.ReconcileFunction;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.Poll;
import dev.sluice.local.TestDirs;
import dev.sluice.local.TestSignIn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Runs that do not finish by themselves, through the local runtime over HTTP: a poison chunk that reaches the DLQ and
 * is redriven after the fix, lost chunk messages resumed from the kept plan, a cancel, and S3 events that never
 * arrive, replaced by the reconciler (scheduled every second here, with a 2 s window). Every outcome is checked per
 * record identity (run id, record number) in PostgreSQL, not only by the counters.
 */
class RecoveryEndToEndTest {
    private static Path dataDir;
    private static LocalSluice sluice;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-recovery");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir)
                .parameter("ChunkBytes", "1024")
                .parameter("ReconcileSchedule", "rate(1 second)")
                .parameter("ReconcileWindowSeconds", "2")
                // Chunks come back 1 s after a failed delivery (the poison reaches the DLQ in seconds); a split is
                // not redelivered while it runs, so each chunk is sent once and a redrive meets no stale copy.
                .parameter("ChunkVisibilityTimeout", "1")
                .parameter("IngestVisibilityTimeout", "60")
                .build());
        api = new ApiClient(sluice.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        TestDirs.stop(sluice, dataDir);
    }

    @Test
    void aPoisonChunkGoesToTheDlqAndAfterTheFixARedriveEndsTheRunSucceededWithEveryRecordOnce() throws Exception {
        String chunkQueue = sluice.queueUrl("ChunkQueue");
        sluice.pauseEventSource("LoadFunction");
        String runId;
        long first;
        long count;
        try {
            runId = api.upload("poison.csv", csv(60).getBytes(StandardCharsets.UTF_8), null);
            JsonNode loading = api.awaitRun(runId, r -> "LOADING".equals(r.path("status").asText()),
                    Duration.ofSeconds(30));
            List<Message> chunks = receiveAll(chunkQueue, loading.get("chunksTotal").asInt());
            JsonNode victim = api.json.readTree(chunks.get(1).body());
            first = victim.get("firstRecord").asLong();
            count = victim.get("recordCount").asLong();
            // A planned chunk that fails every delivery: PostgreSQL refuses its rows until the trigger is dropped.
            sql("CREATE FUNCTION poison_redrive() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "RAISE EXCEPTION 'poisoned record %', NEW.record_no; END $$");
            sql("CREATE TRIGGER poison_redrive BEFORE INSERT ON records FOR EACH ROW WHEN (NEW.run_id = '" + runId
                    + "' AND NEW.record_no BETWEEN " + first + " AND " + (first + count - 1)
                    + ") EXECUTE FUNCTION poison_redrive()");
            chunks.forEach(chunk -> sluice.sqsClient().changeMessageVisibility(b -> b.queueUrl(chunkQueue)
                    .receiptHandle(chunk.receiptHandle()).visibilityTimeout(0)));
        } finally {
            sluice.resumeEventSource("LoadFunction");
        }
        JsonNode partial;
        try {
            partial = api.awaitFinal(runId);
        } finally {
            sql("DROP TRIGGER IF EXISTS poison_redrive ON records");
            sql("DROP FUNCTION IF EXISTS poison_redrive()");
        }
        assertEquals("PARTIAL", partial.get("status").asText(), partial::toString);
        assertEquals(1, partial.get("chunksDead").asInt());
        assertEquals(count, partial.get("errors").asLong());
        RunInvariants.assertEveryRowAccountedFor(sluice, partial);
        assertEquals("published", partial.at("/publication/state").asText(), partial::toString);
        assertEquals(60 - count, partial.at("/publication/counts/inserted").asLong(), partial::toString);
        assertPublishedOnce(runId, 60 - count);

        ApiClient.Response redrive = api.post("runs/" + runId + "/redrive", "");
        assertEquals(200, redrive.status(), () -> "redrive: " + redrive.body());
        assertEquals(1, redrive.body().get("chunksSent").asInt(), redrive.body()::toString);

        JsonNode run = api.awaitFinal(runId);
        assertEquals("SUCCEEDED", run.get("status").asText(), run::toString);
        assertEquals(60, run.get("stored").asLong());
        assertEquals(0, run.get("errors").asLong());
        assertEquals(0, run.get("chunksDead").asInt());
        assertEquals(run.get("bytesTotal").asLong(), run.get("bytesDone").asLong());
        assertExactlyOnce(runId, 60);
        // The published PARTIAL run went through PUBLISHING again: the redriven records joined its dataset once.
        assertEquals("published", run.at("/publication/state").asText(), run::toString);
        assertEquals(60, run.at("/publication/counts/inserted").asLong(), "the counts sum both publications");
        assertPublishedOnce(runId, 60);
        assertEquals(count, RunInvariants.count(sluice, "SELECT count(*) FROM dataset_rows WHERE run_id = ? "
                + "AND record_no BETWEEN " + first + " AND " + (first + count - 1), runId));
        assertEquals(2, RunInvariants.count(sluice, "SELECT generation FROM publish_ledger WHERE run_id = ?", runId));
        assertEquals(0, RunInvariants.count(sluice, "SELECT count(*) FROM row_errors WHERE run_id = ?", runId));
        assertEquals(run.get("chunksTotal").asLong(), RunInvariants.count(sluice,
                "SELECT count(*) FROM chunk_ledger WHERE run_id = ? AND outcome = 'loaded'", runId));
        ApiClient.Response again = api.post("runs/" + runId + "/redrive", "");
        assertEquals(409, again.status());
        assertEquals("NOTHING_TO_REDRIVE", again.body().get("error").get("code").asText());
    }

    @Test
    void aRunWhoseChunkMessagesWereLostIsResumedFromItsKeptPlan() throws Exception {
        String chunkQueue = sluice.queueUrl("ChunkQueue");
        sluice.pauseEventSource("LoadFunction");
        String runId;
        int total;
        try {
            runId = api.upload("lost-chunks.csv", csv(45).getBytes(StandardCharsets.UTF_8), null);
            total = api.awaitRun(runId, r -> "LOADING".equals(r.path("status").asText()), Duration.ofSeconds(30))
                    .get("chunksTotal").asInt();
            for (Message lost : receiveAll(chunkQueue, total)) {
                sluice.sqsClient().deleteMessage(b -> b.queueUrl(chunkQueue).receiptHandle(lost.receiptHandle()));
            }
        } finally {
            sluice.resumeEventSource("LoadFunction");
        }
        assertEquals("LOADING", api.run(runId).get("status").asText(), "nothing left to load it");

        ApiClient.Response resumed = api.post("runs/" + runId + "/resume", "");
        assertEquals(200, resumed.status(), () -> "resume: " + resumed.body());
        assertEquals(total, resumed.body().get("chunksSent").asInt(), resumed.body()::toString);
        // A second resume while they load only repeats messages; the ledger loads each chunk once.
        assertEquals(200, api.post("runs/" + runId + "/resume", "").status());

        JsonNode run = api.awaitFinal(runId);
        assertEquals("SUCCEEDED", run.get("status").asText(), run::toString);
        assertEquals(45, run.get("stored").asLong());
        assertExactlyOnce(runId, 45);
        RunInvariants.assertEveryRowAccountedFor(sluice, run);
        ApiClient.Response finalRun = api.post("runs/" + runId + "/resume", "");
        assertEquals(409, finalRun.status());
        assertEquals("NOT_RESUMABLE", finalRun.body().get("error").get("code").asText());
    }

    @Test
    void aCancelledRunEndsCancelledRefusesItsLaterChunksAndSaysWhatWasNotRead() throws Exception {
        String chunkQueue = sluice.queueUrl("ChunkQueue");
        sluice.pauseEventSource("LoadFunction");
        String runId;
        try {
            runId = api.upload("cancel-me.csv", csv(30).getBytes(StandardCharsets.UTF_8), null);
            api.awaitRun(runId, r -> "LOADING".equals(r.path("status").asText()), Duration.ofSeconds(30));
            ApiClient other = new ApiClient(sluice.baseUrl(), TestSignIn.DEMO, TestSignIn.DEMO_PASSWORD);
            for (String action : List.of("cancel", "resume", "redrive")) {
                ApiClient.Response refused = other.post("runs/" + runId + "/" + action, "");
                assertEquals(404, refused.status(), () -> action + " by another user: " + refused.body());
            }
            ApiClient.Response cancelled = api.post("runs/" + runId + "/cancel", "");
            assertEquals(200, cancelled.status(), () -> "cancel: " + cancelled.body());
            assertEquals("CANCELLED", cancelled.body().get("status").asText());
            assertEquals(30, cancelled.body().get("notRead").asLong());
        } finally {
            sluice.resumeEventSource("LoadFunction");
        }
        Poll.until(Duration.ofSeconds(30), "ChunkQueue drained", () -> queueEmpty(chunkQueue));
        JsonNode run = api.run(runId);
        assertEquals("CANCELLED", run.get("status").asText());
        assertEquals(0, run.get("stored").asLong());
        assertEquals(30, run.get("notRead").asLong());
        assertEquals(0, RunInvariants.count(sluice, "SELECT count(*) FROM records WHERE run_id = ?", runId));
        assertEquals(0, RunInvariants.count(sluice, "SELECT count(*) FROM dataset_rows WHERE run_id = ?", runId));
        assertEquals(409, api.post("runs/" + runId + "/cancel", "").status(), "final already");
    }

    @Test
    void uploadsAndDropsWhoseS3EventNeverArrivedAreStartedByTheReconcilerOnce() throws Exception {
        String ingestQueue = sluice.queueUrl("IngestQueue");
        String dropKey = "drop/acme/lost-" + UUID.randomUUID() + ".csv";
        String runId;
        sluice.pauseEventSource("SplitFunction");
        try {
            runId = api.upload("lost-event.csv", csv(12).getBytes(StandardCharsets.UTF_8), null);
            sluice.s3Client().putObject(b -> b.bucket(sluice.bucketName("UploadBucket")).key(dropKey),
                    RequestBody.fromString(csv(7)));
            // Both notifications are lost: taken off IngestQueue before any splitter sees them.
            for (Message lost : receiveAll(ingestQueue, 2)) {
                sluice.sqsClient().deleteMessage(b -> b.queueUrl(ingestQueue).receiptHandle(lost.receiptHandle()));
            }
        } finally {
            sluice.resumeEventSource("SplitFunction");
        }
        JsonNode upload = api.awaitFinal(runId);
        assertEquals("SUCCEEDED", upload.get("status").asText(), upload::toString);
        assertExactlyOnce(runId, 12);
        String fileName = dropKey.substring(dropKey.lastIndexOf('/') + 1);
        JsonNode drop = Poll.until(Duration.ofSeconds(60), "a run for the drop", () -> dropRun(fileName),
                found -> found != null && ApiClient.FINAL.contains(found.get("status").asText()));
        assertEquals("SUCCEEDED", drop.get("status").asText(), drop::toString);
        assertExactlyOnce(drop.get("runId").asText(), 7);
        // Once each file has its run, a sweep finds nothing more to send.
        ReconcileFunction reconciler = sluice.function("ReconcileFunction", ReconcileFunction.class);
        assertEquals(Map.of("uploads", 0, "drops", 0), reconciler.handleRequest(Map.of(), null));
        assertEquals(1, dropRuns(fileName).size(), "one run for the drop");
    }

    private static JsonNode dropRun(String fileName) {
        List<JsonNode> runs = dropRuns(fileName);
        return runs.isEmpty() ? null : runs.get(0);
    }

    private static List<JsonNode> dropRuns(String fileName) {
        try {
            List<JsonNode> found = new ArrayList<>();
            api.get("runs?scope=all&limit=100").body().get("items").forEach(run -> {
                if (fileName.equals(run.get("fileName").asText())) {
                    found.add(run);
                }
            });
            return found;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Per record identity in PostgreSQL: records 1..n each once, nothing else. */
    private static void assertExactlyOnce(String runId, long records) throws Exception {
        assertEquals(records, RunInvariants.count(sluice, "SELECT count(*) FROM records WHERE run_id = ?", runId));
        assertEquals(records, RunInvariants.count(sluice,
                "SELECT count(DISTINCT record_no) FROM records WHERE run_id = ?", runId));
        assertEquals(records, RunInvariants.count(sluice, "SELECT coalesce(max(record_no), 0) FROM records "
                + "WHERE run_id = ? AND record_no >= 1", runId));
    }

    /**
     * Per record identity in the dataset: the run's current rows are exactly its stored records, each once (records
     * without a row, or a record with two, fail), and it has no other rows.
     */
    private static void assertPublishedOnce(String runId, long records) throws Exception {
        assertEquals(records, RunInvariants.count(sluice, "SELECT count(*) FROM dataset_rows WHERE run_id = ?", runId));
        assertEquals(records, RunInvariants.count(sluice, "SELECT count(*) FROM records r JOIN dataset_rows d "
                + "ON d.run_id = r.run_id AND d.record_no = r.record_no AND d.dataset_id = r.dataset_id "
                + "AND d.superseded_by IS NULL WHERE r.run_id = ?", runId));
        assertEquals(records, RunInvariants.count(sluice, "SELECT count(DISTINCT record_no) FROM dataset_rows "
                + "WHERE run_id = ?", runId));
    }

    private static List<Message> receiveAll(String queueUrl, int expected) {
        List<Message> messages = new ArrayList<>();
        Poll.until(Duration.ofSeconds(30), expected + " messages on " + queueUrl, () -> {
            messages.addAll(sluice.sqsClient().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .visibilityTimeout(60).waitTimeSeconds(1)).messages());
            return messages.size() >= expected;
        });
        return messages;
    }

    private static boolean queueEmpty(String queueUrl) {
        Map<String, String> attributes = new HashMap<>(sluice.sqsClient().getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings());
        return "0".equals(attributes.get("ApproximateNumberOfMessages"))
                && "0".equals(attributes.get("ApproximateNumberOfMessagesNotVisible"));
    }

    private static void sql(String statement) throws Exception {
        try (Connection connection = DriverManager.getConnection(sluice.jdbcUrl(), sluice.dbUser(),
                sluice.dbPassword());
                java.sql.Statement update = connection.createStatement()) {
            update.execute(statement);
        }
    }

    private static String csv(int records) {
        StringBuilder csv = new StringBuilder("Date,Campaign,Channel,Spend,Clicks\n");
        for (int i = 1; i <= records; i++) {
            csv.append("2024-03-").append(String.format("%02d", 1 + i % 28)).append(",\"Campaign ").append(i)
                    .append(", EU\",search,").append(i).append(".50,").append(i * 3).append('\n');
        }
        return csv.toString();
    }
}
