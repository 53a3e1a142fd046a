package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.in.lambda.ReconcileFunction;
import dev.sluice.application.reconcile.ReconcileObjects;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.Poll;
import dev.sluice.local.TestDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * Issue 15's reconciler defect, against the real emulators: files waiting in an IngestQueue backlog (splitter
 * paused) are not files whose event was lost, and a sweep must not send their events again and again. Sweeps run
 * by calling ReconcileFunction directly (its schedule is a day here) with an 8 s window, so the patience before a
 * file is sent despite a backlog is 3 windows, 24 s.
 */
class ReconcileBacklogEndToEndTest {
    /**
     * Long enough that the two sweeps during the backlog (a few seconds each on a busy 2-core machine) fit in the
     * patience of 3 windows; each test waits a window (and the first the patience too), so no longer than that.
     */
    private static final Duration WINDOW = Duration.ofSeconds(8);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static Path dataDir;
    private static LocalSluice sluice;
    private static ApiClient admin;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-reconcile-backlog");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir)
                .parameter("ReconcileSchedule", "rate(1 day)")
                .parameter("ReconcileWindowSeconds", Long.toString(WINDOW.toSeconds()))
                .parameter("IngestVisibilityTimeout", "60")
                .build());
        admin = new ApiClient(sluice.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        TestDirs.stop(sluice, dataDir);
    }

    @Test
    void dropsWaitingInABacklogAreNotSentAgainButADropWhoseEventWasLostIsStartedOnce() throws Exception {
        ReconcileFunction reconciler = sluice.function("ReconcileFunction", ReconcileFunction.class);
        String ingestQueue = sluice.queueUrl("IngestQueue");
        String batch = UUID.randomUUID().toString().substring(0, 8);
        List<String> queued = new ArrayList<>();
        String lost = "drop/acme/lost-" + batch + ".csv";
        sluice.pauseEventSource("SplitFunction");
        Instant dropped;
        try {
            put(lost, 4);
            // The lost drop's event is taken off the queue before anything else is there: it never arrives.
            for (Message message : receive(ingestQueue, 1)) {
                sluice.sqsClient().deleteMessage(b -> b.queueUrl(ingestQueue).receiptHandle(message.receiptHandle()));
            }
            for (int i = 1; i <= 5; i++) {
                String key = "drop/acme/queued-" + batch + "-" + i + ".csv";
                put(key, 3 + i);
                queued.add(key);
            }
            dropped = Instant.now();
            Poll.until(WAIT, "five events on IngestQueue", () -> depth(ingestQueue) == 5);
            Poll.until(WAIT, "every drop older than the window", () -> Instant.now().isAfter(dropped.plus(WINDOW)
                    .plusMillis(500)));

            // Every sweep while the backlog lasts sends nothing: the queue does not grow, whatever their number.
            Instant firstSweep = Instant.now();
            for (int sweep = 0; sweep < 2; sweep++) {
                assertEquals(Map.of("uploads", 0, "drops", 0), reconciler.handleRequest(Map.of(), null));
                assertEquals(5, depth(ingestQueue), "no event sent again into the backlog");
            }

            // Past the patience, still behind the backlog and still without runs: each drop's event is sent once
            // (the lost one is found), and never again while the backlog lasts.
            Poll.until(WAIT, "the patience over", () -> Instant.now().isAfter(firstSweep.plus(WINDOW.multipliedBy(
                    ReconcileObjects.PATIENCE_WINDOWS)).plusMillis(500)));
            assertEquals(Map.of("uploads", 0, "drops", 6), reconciler.handleRequest(Map.of(), null));
            assertEquals(11, depth(ingestQueue));
            assertEquals(Map.of("uploads", 0, "drops", 0), reconciler.handleRequest(Map.of(), null));
            assertEquals(11, depth(ingestQueue), "sent once per drop however many sweeps follow");
        } finally {
            sluice.resumeEventSource("SplitFunction");
        }

        Poll.until(WAIT, "IngestQueue drained", () -> depth(ingestQueue) == 0);
        List<String> all = new ArrayList<>(queued);
        all.add(lost);
        // Each drop loads once. A queued drop also got the sweep's one extra event after the patience: its real
        // event and that one name two runs, and the second one finds the same content and ends DUPLICATE.
        for (String key : all) {
            String fileName = key.substring(key.lastIndexOf('/') + 1);
            int expectedRuns = key.equals(lost) ? 1 : 2;
            List<JsonNode> runs = Poll.until(WAIT, "the runs of " + fileName, () -> runsOf(fileName),
                    found -> found.size() == expectedRuns && found.stream()
                            .allMatch(r -> ApiClient.FINAL.contains(r.get("status").asText())));
            assertEquals(1, runs.stream().filter(r -> r.get("status").asText().equals("SUCCEEDED")).count(),
                    runs::toString);
            assertEquals(expectedRuns - 1, runs.stream().filter(r -> r.get("status").asText().equals("DUPLICATE"))
                    .count(), runs::toString);
        }
        // Every drop has its run: a later sweep has nothing to send.
        assertEquals(Map.of("uploads", 0, "drops", 0), reconciler.handleRequest(Map.of(), null));
    }

    @Test
    void withNoBacklogADropWhoseEventNeverArrivedIsStartedByTheFirstSweepAfterTheWindow() throws Exception {
        ReconcileFunction reconciler = sluice.function("ReconcileFunction", ReconcileFunction.class);
        String ingestQueue = sluice.queueUrl("IngestQueue");
        Poll.until(WAIT, "IngestQueue empty", () -> depth(ingestQueue) == 0);
        String key = "drop/acme/alone-" + UUID.randomUUID() + ".csv";
        sluice.pauseEventSource("SplitFunction");
        try {
            put(key, 6);
            for (Message message : receive(ingestQueue, 1)) {
                sluice.sqsClient().deleteMessage(b -> b.queueUrl(ingestQueue).receiptHandle(message.receiptHandle()));
            }
        } finally {
            sluice.resumeEventSource("SplitFunction");
        }
        Instant dropped = Instant.now();
        Poll.until(WAIT, "the drop older than the window", () -> Instant.now().isAfter(dropped.plus(WINDOW)
                .plusMillis(500)));
        assertEquals(Map.of("uploads", 0, "drops", 1), reconciler.handleRequest(Map.of(), null));
        String fileName = key.substring(key.lastIndexOf('/') + 1);
        List<JsonNode> runs = Poll.until(WAIT, "the drop's run", () -> runsOf(fileName),
                found -> found.size() == 1 && ApiClient.FINAL.contains(found.get(0).get("status").asText()));
        assertEquals("SUCCEEDED", runs.get(0).get("status").asText());
        assertEquals(6, runs.get(0).get("stored").asLong());
    }

    private static void put(String key, int records) {
        StringBuilder csv = new StringBuilder("Date,Campaign,Channel,Spend,Clicks\n");
        for (int i = 1; i <= records; i++) {
            csv.append("2024-03-0").append(1 + i % 9).append(",\"").append(key).append(' ').append(i)
                    .append("\",search,")
                    .append(i).append(".25,").append(i).append('\n');
        }
        sluice.s3Client().putObject(b -> b.bucket(sluice.bucketName("UploadBucket")).key(key),
                RequestBody.fromString(csv.toString()));
    }

    private static List<Message> receive(String queueUrl, int expected) {
        List<Message> messages = new ArrayList<>();
        Poll.until(WAIT, expected + " messages on " + queueUrl, () -> {
            messages.addAll(sluice.sqsClient().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .visibilityTimeout(60).waitTimeSeconds(1)).messages());
            return messages.size() >= expected;
        });
        return messages;
    }

    private static long depth(String queueUrl) {
        Map<String, String> attributes = new HashMap<>(sluice.sqsClient().getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings());
        return Long.parseLong(attributes.get("ApproximateNumberOfMessages"))
                + Long.parseLong(attributes.get("ApproximateNumberOfMessagesNotVisible"));
    }

    /** The partner's runs of this file, read through the administrators' listing. */
    private static List<JsonNode> runsOf(String fileName) {
        try {
            List<JsonNode> found = new ArrayList<>();
            String cursor = null;
            do {
                ApiClient.Response page = admin.get("admin/runs?owner=partner:acme&limit=100"
                        + (cursor == null ? "" : "&cursor=" + cursor));
                assertEquals(200, page.status(), () -> page.body().toString());
                page.body().get("items").forEach(run -> {
                    if (fileName.equals(run.get("fileName").asText())) {
                        found.add(run);
                    }
                });
                cursor = page.body().get("nextCursor").isNull() ? null : page.body().get("nextCursor").asText();
            } while (cursor != null);
            return found;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
