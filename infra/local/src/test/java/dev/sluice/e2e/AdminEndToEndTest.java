package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.Poll;
import dev.sluice.local.TestDirs;
import dev.sluice.local.TestSignIn;
import dev.sluice.local.fault.FaultSpec;
import dev.sluice.local.fault.FaultSpec.Kind;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Operations end to end over HTTP and the WebSocket, through the local runtime with its faults: the administrators'
 * run listing and each of its filters over runs of two users, 404 for everyone else on every admin path, cancel of a
 * run while its chunks load (slow-loader), redrive of a poisoned run after the poison is removed (poison), scope
 * "all" on the WebSocket, and the public health and statistics. Outcomes are checked per record identity
 * (run id, record number) in PostgreSQL where records are involved.
 */
class AdminEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static Path dataDir;
    private static LocalSluice sluice;
    private static ApiClient admin;
    private static ApiClient demo;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-admin");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir).faultInjection(true)
                .parameters(Map.of("ChunkMaxRecords", "10", "ChunkVisibilityTimeout", "2",
                        "IngestVisibilityTimeout", "30", "ChunkRetryBaseSeconds", "1", "LoadConcurrency", "2"))
                .build());
        admin = new ApiClient(sluice.baseUrl());
        demo = new ApiClient(sluice.baseUrl(), TestSignIn.DEMO, TestSignIn.DEMO_PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        TestDirs.stop(sluice, dataDir);
    }

    @AfterEach
    void healed() {
        sluice.faults().disableAll();
        sluice.resumeEventSource("LoadFunction");
    }

    @Test
    void adminFiltersByStatusOwnerDatasetDeadChunksStalledAndDateRangeOverRunsOfTwoUsers() throws Exception {
        String d1 = demo.upload("demo-good.csv", csv(25), null);
        JsonNode demoGood = demo.awaitFinal(d1);
        assertEquals("SUCCEEDED", demoGood.get("status").asText(), demoGood::toString);
        String demoOwner = demoGood.get("owner").asText();
        String d2 = demo.upload("demo-picture.csv", png(), null);
        assertEquals("FAILED", demo.awaitFinal(d2).get("status").asText());

        ApiClient.Response dataset = admin.post("datasets", "{\"name\": \"Admin filters\"}");
        assertEquals(201, dataset.status(), dataset.body()::toString);
        String datasetId = dataset.body().get("id").asText();
        String a1 = admin.upload("admin-good.csv", csv(15), null, datasetId);
        assertEquals("SUCCEEDED", admin.awaitFinal(a1).get("status").asText());

        sluice.faults().enable(FaultSpec.of(Kind.POISON));
        String poisoned = admin.upload("poison-" + UUID.randomUUID() + ".csv", csv(30), null);
        JsonNode partial = admin.awaitRun(poisoned, r -> ApiClient.FINAL.contains(r.path("status").asText()), WAIT);
        sluice.faults().disableAll();
        assertEquals("PARTIAL", partial.get("status").asText(), partial::toString);
        assertEquals(3, partial.get("chunksDead").asInt(), partial::toString);

        sluice.pauseEventSource("LoadFunction");
        String stalled = admin.upload("admin-stalled.csv", csv(20), null);
        admin.awaitRun(stalled, r -> "LOADING".equals(r.path("status").asText()), WAIT);
        // No progress for an hour, as a run whose loaders all died would look: its last change moved back.
        sluice.dynamoDbClient().updateItem(b -> b.tableName(sluice.tableName("RunsTable"))
                .key(Map.of("pk", AttributeValue.fromS("RUN#" + stalled), "sk", AttributeValue.fromS("RUN")))
                .updateExpression("SET updatedAt = :then")
                .expressionAttributeValues(Map.of(":then",
                        AttributeValue.fromS(Instant.now().minus(Duration.ofHours(1)).toString()))));
        assertTrue(admin.run(stalled).get("stalled").asBoolean());

        Set<String> mine = Set.of(d1, d2, a1, poisoned, stalled);
        Map<String, JsonNode> created = new HashMap<>();
        for (String runId : mine) {
            created.put(runId, admin.run(runId));
        }

        List<JsonNode> byOwner = list("owner=" + demoOwner);
        assertTrue(ids(byOwner).containsAll(Set.of(d1, d2)), () -> ids(byOwner).toString());
        assertAll(byOwner, r -> demoOwner.equals(r.get("owner").asText()), "owner " + demoOwner);
        assertNewestCreatedFirst(byOwner);

        List<JsonNode> failed = list("status=FAILED");
        assertEquals(Set.of(d2), mineOf(failed, mine));
        assertAll(failed, r -> "FAILED".equals(r.get("status").asText()), "status FAILED");
        List<JsonNode> twoStatuses = list("status=succeeded,FAILED&owner=" + demoOwner);
        assertEquals(Set.of(d1, d2), mineOf(twoStatuses, mine));

        assertEquals(Set.of(a1), ids(list("dataset=" + datasetId)), "the dataset's runs, and only those");

        List<JsonNode> dead = list("dead=true");
        assertEquals(Set.of(poisoned), mineOf(dead, mine));
        assertAll(dead, r -> r.get("chunksDead").asInt() > 0, "dead chunks");

        List<JsonNode> stalledRuns = list("stalled=true");
        assertEquals(Set.of(stalled), mineOf(stalledRuns, mine));
        assertAll(stalledRuns, r -> r.get("stalled").asBoolean(), "stalled");

        // Created from d2 (inclusive) to the poisoned run (exclusive): d2 and a1 only.
        List<JsonNode> range = list("from=" + enc(created.get(d2).get("createdAt").asText()) + "&to="
                + enc(created.get(poisoned).get("createdAt").asText()));
        assertEquals(Set.of(d2, a1), mineOf(range, mine));
        assertEquals(Set.of(d2), mineOf(list("owner=" + demoOwner + "&from="
                + enc(created.get(d2).get("createdAt").asText())), mine));

        // An item is the run exactly as GET /api/runs/{id} shows it.
        JsonNode item = list("owner=" + demoOwner).stream().filter(r -> r.get("runId").asText().equals(d1))
                .findFirst().orElseThrow();
        assertEquals(demo.run(d1), item);

        // Paging one at a time lists what one page lists, in the same order, with no run twice.
        ApiClient.Response all = admin.get("admin/runs?limit=100");
        assertEquals(200, all.status(), all.body()::toString);
        List<String> onePage = new ArrayList<>();
        all.body().get("items").forEach(r -> onePage.add(r.get("runId").asText()));
        assertTrue(onePage.containsAll(mine), onePage::toString);
        assertEquals(onePage, list("").stream().map(r -> r.get("runId").asText()).toList());

        for (String bad : List.of("status=NOPE", "dead=yes", "from=yesterday", "cursor=bm90LW91cnM",
                "from=2026-12-02&to=2026-12-01", "owner=" + enc("a b"))) {
            ApiClient.Response refused = admin.get("admin/runs?" + bad);
            assertEquals(400, refused.status(), () -> bad + ": " + refused.body());
            assertEquals("INVALID_REQUEST", refused.body().at("/error/code").asText(), bad);
        }

        ApiClient.Response cancelled = admin.post("runs/" + stalled + "/cancel", "");
        assertEquals(200, cancelled.status(), cancelled.body()::toString);
        sluice.resumeEventSource("LoadFunction");

        // Redrive after the poison is gone: every record exactly once, the run SUCCEEDED.
        ApiClient.Response redrive = admin.post("runs/" + poisoned + "/redrive", "");
        assertEquals(200, redrive.status(), () -> "redrive: " + redrive.body());
        assertEquals(3, redrive.body().get("chunksSent").asInt());
        JsonNode redriven = admin.awaitFinal(poisoned);
        assertEquals("SUCCEEDED", redriven.get("status").asText(), redriven::toString);
        assertEquals(30, redriven.get("stored").asLong());
        assertEquals(0, redriven.get("errors").asLong());
        assertExactlyOnce(poisoned, 30);
        RunInvariants.assertEveryRowAccountedFor(sluice, redriven);
        assertFalse(mineOf(list("dead=true"), mine).contains(poisoned), "no dead chunks after the redrive");
        assertEquals(Set.of(), mineOf(list("stalled=true"), mine), "a cancelled run is final, not stalled");
        assertEquals(0, RunInvariants.count(sluice, "SELECT count(*) FROM dataset_rows WHERE run_id = ?", stalled),
                "a cancelled run is never published");
    }

    @Test
    void everyAdminPathIsUnknownToANonAdministrator() throws Exception {
        ApiClient.Response unknown = demo.get("no-such-route");
        assertEquals(404, unknown.status());
        for (String path : List.of("admin/runs", "admin/runs?status=FAILED", "admin", "admin/anything/else")) {
            ApiClient.Response hidden = demo.get(path);
            assertEquals(404, hidden.status(), () -> path + ": " + hidden.body());
            assertEquals("NOT_FOUND", hidden.body().at("/error/code").asText());
            String route = "/api/" + path.replaceFirst("\\?.*", "");
            assertEquals("No route for GET " + route, hidden.body().at("/error/message").asText());
        }
        ApiClient.Response post = demo.post("admin/runs", "{}");
        assertEquals(404, post.status(), "not even 405: the path's existence is not confirmed");
        assertEquals(405, admin.post("admin/runs", "{}").status(), "an administrator learns the method is wrong");
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(api("admin/runs")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode(), "behind the sign-in like every other API route");
    }

    @Test
    void aRunCancelledWhileItsChunksLoadEndsCancelledAndLoadsNoFurtherChunk() throws Exception {
        sluice.faults().enable(FaultSpec.of(Kind.SLOW_LOADER, 1));
        String runId = admin.upload("cancel-while-loading.csv", csv(400), null);
        admin.awaitRun(runId, r -> r.path("chunksDone").asInt() >= 1, WAIT);
        ApiClient.Response cancel = admin.post("runs/" + runId + "/cancel", "");
        assertEquals(200, cancel.status(), cancel.body()::toString);
        assertEquals("CANCELLED", cancel.body().get("status").asText());
        String chunkQueue = sluice.queueUrl("ChunkQueue");
        // The last counts are in the failure message: which messages stayed, visible, in flight or delayed.
        Poll.until(WAIT, "ChunkQueue drained", () -> queueCounts(chunkQueue), Map.of("visible", "0", "inFlight", "0",
                "delayed", "0")::equals);
        sluice.faults().disableAll();

        JsonNode run = admin.run(runId);
        assertEquals("CANCELLED", run.get("status").asText());
        assertEquals(40, run.get("chunksTotal").asInt());
        int done = run.get("chunksDone").asInt();
        assertTrue(done >= 1 && done < 40, () -> "some chunks loaded before the cancel, not all: " + run);
        // Chunks mid-load at the cancel committed and were counted; none after: PostgreSQL holds what was counted.
        assertEquals(run.get("stored").asLong(), RunInvariants.count(sluice,
                "SELECT count(*) FROM records WHERE run_id = ?", runId));
        assertEquals(run.get("stored").asLong(), RunInvariants.count(sluice,
                "SELECT count(DISTINCT record_no) FROM records WHERE run_id = ?", runId));
        assertEquals(done, RunInvariants.count(sluice,
                "SELECT count(*) FROM chunk_ledger WHERE run_id = ? AND outcome = 'loaded'", runId));
        assertEquals(400 - run.get("stored").asLong() - run.get("errors").asLong(), run.get("notRead").asLong());
        assertTrue(run.get("notRead").asLong() > 0);
        // It stored records, but only a run that finishes loading is published: none of them reached its dataset.
        String publishQueue = sluice.queueUrl("PublishQueue");
        Poll.until(WAIT, "PublishQueue drained", () -> queueCounts(publishQueue), Map.of("visible", "0",
                "inFlight", "0", "delayed", "0")::equals);
        assertEquals(0, RunInvariants.count(sluice, "SELECT count(*) FROM dataset_rows WHERE run_id = ?", runId));
    }

    @Test
    void scopeAllOnTheWebSocketIsForAdministratorsWhoSeeAnotherUsersRunProgress() throws Exception {
        try (SocketClient demoSocket = SocketClient.connect(TestSignIn.webSocket(sluice, demo.token()));
                SocketClient adminSocket = SocketClient.connect(TestSignIn.webSocket(sluice, admin.token()))) {
            demoSocket.send("{\"action\":\"subscribe\",\"scope\":\"all\"}");
            JsonNode refused = demoSocket.await(m -> "error".equals(m.path("type").asText()), WAIT, "an error");
            assertEquals("FORBIDDEN", refused.get("code").asText());
            adminSocket.send("{\"action\":\"subscribe\",\"scope\":\"all\"}");
            adminSocket.await(m -> "subscribed".equals(m.path("type").asText()), WAIT, "the subscription");

            // The file goes up once the admin heard of the created run: a 50-record run can otherwise be split,
            // loaded and published within one stream batch, whose changes are coalesced into the final message.
            byte[] file = csv(50);
            JsonNode created = demo.createUpload("watched-by-admin.csv", file, null, null);
            String runId = created.get("runId").asText();
            adminSocket.await(m -> runId.equals(m.path("runId").asText()), WAIT, "the created run");
            demo.putUpload(created, file);
            JsonNode finished = adminSocket.await(SocketClient.type("run.finished", runId), WAIT, "run.finished");
            JsonNode run = demo.awaitFinal(runId);
            assertEquals("SUCCEEDED", finished.get("status").asText());
            assertEquals(run.get("stored").asLong(), finished.get("stored").asLong());
            assertTrue(adminSocket.messages(runId).size() >= 2, "progress before the end");
            assertTrue(demoSocket.messages(runId).isEmpty(), "the refused subscription delivers nothing");
        }
    }

    @Test
    void healthAnswersWithoutSignInAndNamesEachCheck() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api("health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = json.readTree(response.body());
        assertEquals("ok", body.get("status").asText());
        for (String check : List.of("database", "objectStore", "queues", "runsTable")) {
            assertTrue(body.at("/checks/" + check + "/ok").asBoolean(), () -> check + ": " + body);
            assertTrue(body.at("/checks/" + check + "/millis").isIntegralNumber(), check);
        }
        for (String queue : List.of("ChunkQueue", "IngestQueue", "ChunkDLQ")) {
            assertTrue(body.at("/checks/queues/" + queue + "/messages").isIntegralNumber(), () -> queue + body);
        }
        assertTrue(body.has("oldestChunkMessageAgeSeconds"));
        assertFalse(response.body().contains("127.0.0.1") || response.body().contains("jdbc"), response.body());
    }

    @Test
    void statsAreAggregatesOfTheLastDaysRunsWithoutNamesAndAnswerWithoutSignIn() throws Exception {
        String runId = demo.upload("stats-" + UUID.randomUUID() + ".csv", badRows(12), null);
        JsonNode finished = demo.awaitFinal(runId);
        assertEquals("PARTIAL", finished.get("status").asText(), finished::toString);
        Poll.until(WAIT, "every run at rest", () -> {
            try {
                return list("").stream().allMatch(r -> ApiClient.FINAL.contains(r.get("status").asText()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<JsonNode> runs = list("");

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api("stats")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode stats = json.readTree(response.body());
        Map<String, Integer> byStatus = new HashMap<>();
        runs.forEach(r -> byStatus.merge(r.get("status").asText(), 1, Integer::sum));
        stats.get("runsByStatus").properties().forEach(e -> assertEquals(byStatus.getOrDefault(e.getKey(), 0),
                e.getValue().asInt(), e.getKey()));
        assertEquals(runs.size(), stats.get("runs").asInt());
        assertEquals(runs.stream().mapToLong(r -> r.get("records").asLong()).sum(), stats.get("records").asLong());
        assertEquals(runs.stream().mapToLong(r -> r.get("stored").asLong()).sum(), stats.get("stored").asLong());
        long errors = runs.stream().mapToLong(r -> r.get("errors").asLong()).sum();
        assertEquals(errors, stats.get("errors").asLong());
        assertTrue(errors > 0);
        assertEquals((double) errors / stats.get("records").asLong(), stats.get("errorRate").asDouble(), 1e-6);
        assertTrue(stats.at("/durationSeconds/p50").isNumber() && stats.at("/durationSeconds/p95").isNumber());
        assertTrue(stats.at("/durationSeconds/p50").asDouble() <= stats.at("/durationSeconds/p95").asDouble());
        assertFalse(stats.get("capped").asBoolean());
        for (JsonNode run : runs) {
            assertFalse(response.body().contains(run.get("runId").asText()), "no run id");
            assertFalse(response.body().contains(run.get("owner").asText()), "no owner");
            assertFalse(response.body().contains(run.get("fileName").asText()), "no file name");
        }
    }

    /** Every run of the admin listing with this query, paged two at a time. */
    private static List<JsonNode> list(String query) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String cursor = null;
        do {
            String path = "admin/runs?limit=2" + (query.isEmpty() ? "" : "&" + query)
                    + (cursor == null ? "" : "&cursor=" + cursor);
            ApiClient.Response page = admin.get(path);
            assertEquals(200, page.status(), () -> path + ": " + page.body());
            assertTrue(page.body().get("items").size() <= 2);
            for (JsonNode item : page.body().get("items")) {
                assertTrue(seen.add(item.get("runId").asText()), () -> "listed twice: " + item.get("runId"));
                items.add(item);
            }
            cursor = page.body().get("nextCursor").isNull() ? null : page.body().get("nextCursor").asText();
        } while (cursor != null);
        return items;
    }

    private static Set<String> ids(List<JsonNode> runs) {
        Set<String> ids = new LinkedHashSet<>();
        runs.forEach(r -> ids.add(r.get("runId").asText()));
        return ids;
    }

    private static Set<String> mineOf(List<JsonNode> runs, Set<String> mine) {
        Set<String> ids = ids(runs);
        ids.retainAll(mine);
        return ids;
    }

    private static void assertAll(List<JsonNode> runs, Predicate<JsonNode> condition, String what) {
        for (JsonNode run : runs) {
            assertTrue(condition.test(run), () -> "not " + what + ": " + run);
        }
    }

    private static void assertNewestCreatedFirst(List<JsonNode> runs) {
        for (int i = 1; i < runs.size(); i++) {
            Instant before = Instant.parse(runs.get(i - 1).get("createdAt").asText());
            Instant after = Instant.parse(runs.get(i).get("createdAt").asText());
            assertFalse(after.isAfter(before), () -> "newest first: " + runs);
        }
    }

    private static void assertExactlyOnce(String runId, long records) throws Exception {
        assertEquals(records, RunInvariants.count(sluice, "SELECT count(*) FROM records WHERE run_id = ?", runId));
        assertEquals(records, RunInvariants.count(sluice,
                "SELECT count(DISTINCT record_no) FROM records WHERE run_id = ?", runId));
        assertEquals(records, RunInvariants.count(sluice, "SELECT coalesce(max(record_no), 0) FROM records "
                + "WHERE run_id = ? AND record_no >= 1", runId));
    }

    private static Map<String, String> queueCounts(String queueUrl) {
        Map<String, String> attributes = sluice.sqsClient().getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                        "ApproximateNumberOfMessagesDelayed")).attributesAsStrings();
        return Map.of("visible", attributes.get("ApproximateNumberOfMessages"),
                "inFlight", attributes.get("ApproximateNumberOfMessagesNotVisible"),
                "delayed", attributes.get("ApproximateNumberOfMessagesDelayed"));
    }

    private static URI api(String path) {
        return sluice.baseUrl().resolve("/api/" + path);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static byte[] csv(int records) {
        StringBuilder csv = new StringBuilder("Date,Campaign,Channel,Spend,Clicks\n");
        for (int i = 1; i <= records; i++) {
            csv.append("2024-03-").append(String.format("%02d", 1 + i % 28)).append(",Campaign ").append(i)
                    .append(",search,").append(i).append(".50,").append(i * 3).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Every third record has a date no format reads. */
    private static byte[] badRows(int records) {
        StringBuilder csv = new StringBuilder("Date,Campaign,Channel,Spend,Clicks\n");
        for (int i = 1; i <= records; i++) {
            csv.append(i % 3 == 0 ? "2024-13-45" : "2024-03-0" + (1 + i % 9)).append(",Campaign ").append(i)
                    .append(",search,").append(i).append(".50,").append(i * 3).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] png() {
        byte[] bytes = new byte[512];
        byte[] magic = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        System.arraycopy(magic, 0, bytes, 0, magic.length);
        for (int i = magic.length; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        return bytes;
    }
}
