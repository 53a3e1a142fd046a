package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.out.dynamodb.DynamoConnectionRepository;
import dev.sluice.domain.progress.Topic;
import dev.sluice.local.TestDirs;
import dev.sluice.local.TestSignIn;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Progress over the WebSocket, end to end through the local runtime: real sockets on /ws, SocketFunction, the runs
 * table's stream read through the Streams API, ProgressFunction posting through the real @connections endpoint.
 * Chunks are 2 KiB, so a few thousand records make a run of dozens of chunks that lasts a few seconds.
 */
class WebSocketProgressTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final List<String> STATUS_ORDER = List.of("CREATED", "RECEIVED", "SPLITTING", "LOADING",
            "PUBLISHING", "SUCCEEDED", "PARTIAL", "FAILED", "DUPLICATE", "CANCELLED");
    private static Path dataDir;
    private static LocalSluice sluice;
    private static ApiClient api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-ws");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir)
                .parameter("ChunkBytes", "2048").build());
        api = new ApiClient(sluice.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        TestDirs.stop(sluice, dataDir);
    }

    @Test
    void subscriberGetsSnapshotThenProgressInOrderAndFinishedLastWithTheApisCounters() throws Exception {
        byte[] csv = csv(1500);
        ObjectNode upload = createUpload("watched.csv", csv.length);
        String runId = upload.get("runId").asText();
        try (SocketClient socket = SocketClient.connect(TestSignIn.webSocket(sluice))) {
            socket.subscribe(runId);
            JsonNode snapshot = socket.await(SocketClient.type("run.snapshot", runId), WAIT, "snapshot");
            assertEquals("CREATED", snapshot.get("status").asText());
            assertEquals(csv.length, snapshot.get("bytesTotal").asLong());
            put(upload, csv);
            JsonNode finished = socket.await(SocketClient.type("run.finished", runId), WAIT, "run.finished");
            JsonNode run = api.awaitFinal(runId);
            assertCountersEqual(run, finished);

            List<JsonNode> messages = socket.messages(runId);
            assertEquals("run.snapshot", messages.getFirst().get("type").asText(), "the snapshot comes first");
            assertTrue(messages.stream().filter(m -> m.get("type").asText().equals("run.progress")).count() >= 2,
                    () -> "progress while the run loads: " + messages);
            assertNeverBackwards(messages);
            assertFinishedLast(messages);
            assertTrue(messages.size() <= 3 + 4 * secondsBetween(messages.getFirst(), messages.getLast()) + 4,
                    () -> "coalesced to about 4 messages a second: " + messages.size());
        }
        try (SocketClient late = SocketClient.connect(TestSignIn.webSocket(sluice))) {
            late.subscribe(runId);
            late.await(SocketClient.type("run.finished", runId), WAIT, "run.finished for a finished run");
            List<JsonNode> messages = late.messages(runId);
            assertEquals(List.of("run.snapshot", "run.finished"), messages.stream().map(m -> m.get("type").asText())
                    .toList(), "a finished run: its snapshot, then at once its final message");
            assertCountersEqual(api.run(runId), messages.getLast());
        }
    }

    @Test
    void aRunThatWaitsForReviewSendsRunReviewWithItsReviewCountsRecordedThenFinishedOncePublished() throws Exception {
        ApiClient.Response created = api.post("datasets", "{\"name\": \"Reviewed over the socket\", "
                + "\"review\": true}");
        assertEquals(201, created.status(), created.body()::toString);
        String dataset = created.body().get("id").asText();
        try (SocketClient socket = SocketClient.connect(TestSignIn.webSocket(sluice))) {
            socket.send("{\"action\":\"subscribe\",\"scope\":\"mine\"}");
            socket.await(m -> "subscribed".equals(m.path("type").asText()), WAIT, "subscribed to mine");
            String runId = api.upload("reviewed.csv", csv(300), null, dataset);
            JsonNode review = socket.await(SocketClient.type("run.review", runId), WAIT, "run.review");
            assertEquals("REVIEW", review.get("status").asText(), review::toString);
            // What the message announces is there to fetch: the run's review counts.
            JsonNode run = api.run(runId);
            assertEquals("REVIEW", run.get("status").asText(), run::toString);
            assertTrue(run.get("stored").asLong() > 0, run::toString);
            assertEquals(run.get("stored").asLong(), run.at("/publication/counts/inserted").asLong(), run::toString);
            for (String field : List.of("records", "stored", "errors", "chunksDone", "chunksTotal")) {
                assertEquals(run.get(field).asText(), review.get(field).asText(), field);
            }
            assertEquals(1, socket.messages(runId).stream().filter(m -> "run.review".equals(m.get("type").asText()))
                    .count(), () -> "one run.review per stay in review: " + socket.messages(runId));

            ApiClient.Response publish = api.post("runs/" + runId + "/publish", "");
            assertEquals(202, publish.status(), publish.body()::toString);
            socket.await(SocketClient.type("run.finished", runId), WAIT, "run.finished after publishing");
            List<String> types = socket.messages(runId).stream().map(m -> m.get("type").asText()).toList();
            assertTrue(types.indexOf("run.review") < types.indexOf("run.finished"), types::toString);
            assertEquals("run.finished", types.getLast(), types::toString);
            assertEquals(1, types.stream().filter("run.review"::equals).count(), types::toString);
        }
    }

    @Test
    void threeSubscribersOneDropsMidRunTheOthersGetEverythingAndTheDeadOneIsRemoved() throws Exception {
        byte[] csv = csv(2500);
        ObjectNode upload = createUpload("three.csv", csv.length);
        String runId = upload.get("runId").asText();
        List<String> before = sluice.webSocketGateway().openConnections();
        try (SocketClient first = SocketClient.connect(TestSignIn.webSocket(sluice));
                SocketClient second = SocketClient.connect(TestSignIn.webSocket(sluice));
                SocketClient doomed = SocketClient.connect(TestSignIn.webSocket(sluice))) {
            // The gateway registers a socket once its $connect has run, which may be just after the client's
            // handshake completed.
            List<String> ids = Poll.until(WAIT, "three sockets open", () -> {
                List<String> opened = new ArrayList<>(sluice.webSocketGateway().openConnections());
                opened.removeAll(before);
                return opened;
            }, opened -> opened.size() == 3);
            for (SocketClient socket : List.of(first, second, doomed)) {
                socket.subscribe(runId);
                socket.await(SocketClient.type("run.snapshot", runId), WAIT, "snapshot");
            }
            // A subscriber whose socket is already gone without a $disconnect (API Gateway delivers $disconnect
            // only on a best-effort basis): the first post to it answers 410 and must remove it.
            String ghost = "GhostConnAAA=";
            new DynamoConnectionRepository(sluice.dynamoDbClient(), sluice.tableName("RunsTable"))
                    .subscribe(ghost, Topic.run(runId), Optional.empty(), Instant.now().plusSeconds(3600));
            assertTrue(connectionItems(ghost) > 0);

            put(upload, csv);
            doomed.await(m -> runId.equals(m.path("runId").asText()) && m.path("stored").asLong() > 0, WAIT,
                    "progress with stored records");
            doomed.abort();

            JsonNode run = api.awaitFinal(runId);
            for (SocketClient survivor : List.of(first, second)) {
                JsonNode finished = survivor.await(SocketClient.type("run.finished", runId), WAIT, "run.finished");
                assertCountersEqual(run, finished);
                assertNeverBackwards(survivor.messages(runId));
                assertFinishedLast(survivor.messages(runId));
            }
            assertEquals(first.messages(runId).getLast(), second.messages(runId).getLast(),
                    "both survivors end on the same final state");
            awaitNoItems(ghost);
            String doomedId = ids.stream().filter(id -> !sluice.webSocketGateway().openConnections().contains(id))
                    .findFirst().orElseThrow(() -> new AssertionError("the aborted socket is still open"));
            awaitNoItems(doomedId);
        }
    }

    @Test
    void reconnectingMidRunGetsASnapshotFirstThenLiveUpdatesAndNothingGoesBack() throws Exception {
        byte[] csv = csv(2500);
        ObjectNode upload = createUpload("reconnect.csv", csv.length);
        String runId = upload.get("runId").asText();
        JsonNode lastSeen;
        try (SocketClient socket = SocketClient.connect(TestSignIn.webSocket(sluice))) {
            socket.subscribe(runId);
            socket.await(SocketClient.type("run.snapshot", runId), WAIT, "snapshot");
            put(upload, csv);
            lastSeen = socket.await(m -> runId.equals(m.path("runId").asText()) && m.path("stored").asLong() > 0,
                    WAIT, "progress with stored records");
        }
        try (SocketClient again = SocketClient.connect(TestSignIn.webSocket(sluice))) {
            again.subscribe(runId);
            JsonNode finished = again.await(SocketClient.type("run.finished", runId), WAIT, "run.finished");
            List<JsonNode> messages = again.messages(runId);
            JsonNode snapshot = messages.getFirst();
            assertEquals("run.snapshot", snapshot.get("type").asText(), "after reconnecting the snapshot comes first");
            assertTrue(snapshot.get("stored").asLong() >= lastSeen.get("stored").asLong(),
                    () -> "the snapshot is not older than what the first socket saw: " + snapshot + " vs " + lastSeen);
            assertNeverBackwards(messages);
            assertFinishedLast(messages);
            assertCountersEqual(api.awaitFinal(runId), finished);
        }
    }

    @Test
    void scopeMineSeesARunCreatedAfterSubscribingFromCreationToFinish() throws Exception {
        try (SocketClient socket = SocketClient.connect(TestSignIn.webSocket(sluice))) {
            socket.send("{\"action\":\"subscribe\",\"scope\":\"mine\"}");
            socket.await(m -> m.path("type").asText().equals("subscribed"), WAIT, "subscribed");
            byte[] csv = csv(500);
            ObjectNode upload = createUpload("mine.csv", csv.length);
            String runId = upload.get("runId").asText();
            socket.await(m -> runId.equals(m.path("runId").asText()), WAIT, "the new run's creation");
            put(upload, csv);
            JsonNode finished = socket.await(SocketClient.type("run.finished", runId), WAIT, "run.finished");
            List<JsonNode> messages = socket.messages(runId);
            assertEquals("CREATED", messages.getFirst().get("status").asText(), "seen from creation: " + messages);
            assertEquals("run.progress", messages.getFirst().get("type").asText());
            assertNeverBackwards(messages);
            assertFinishedLast(messages);
            assertCountersEqual(api.awaitFinal(runId), finished);
        }
    }

    @Test
    void unknownRunAndBadRequestsAreAnsweredOnTheSocketWithoutConfirmingAnything() throws Exception {
        try (SocketClient socket = SocketClient.connect(TestSignIn.webSocket(sluice))) {
            socket.subscribe("00000000-0000-0000-0000-000000000000");
            JsonNode missing = socket.await(m -> m.path("type").asText().equals("error"), WAIT, "an error");
            assertEquals("NOT_FOUND", missing.get("code").asText());
            assertEquals("No run with id '00000000-0000-0000-0000-000000000000'", missing.get("message").asText());
            socket.send("{\"action\":\"dance\"}");
            JsonNode invalid = socket.await(m -> m.path("code").asText().equals("INVALID_REQUEST"), WAIT,
                    "INVALID_REQUEST");
            assertTrue(invalid.get("message").asText().contains("subscribe"), invalid::toString);
            socket.send("{\"action\":\"ping\"}");
            socket.await(m -> m.path("type").asText().equals("pong"), WAIT, "pong");
        }
    }

    @Test
    void progressFunctionIsInvokedWithTheEventLambdaSendsForRunItemsOnly() throws Exception {
        String runId = createUpload("shape.csv", 10).get("runId").asText();
        var source = sluice.streamEventSources("ProgressFunction").getFirst();
        long deadline = System.nanoTime() + WAIT.toNanos();
        ObjectNode event = source.lastEvent();
        while (event == null || !event.toString().contains(runId)) {
            assertTrue(System.nanoTime() < deadline, "ProgressFunction was not invoked for run " + runId);
            Thread.sleep(20);
            event = source.lastEvent();
        }
        JsonNode fixture;
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        fixture = api.json.readTree(dir.resolve("events/dynamodb-stream-run-progress.json").toFile());
        assertEquals(envelope(fixture), envelope(event));
        for (JsonNode record : event.get("Records")) {
            assertEquals("RUN", record.at("/dynamodb/Keys/sk/S").asText(), "the template's FilterCriteria: " + record);
            assertEquals("aws:dynamodb", record.get("eventSource").asText());
            assertTrue(record.at("/dynamodb/NewImage/runId/S").isTextual(), record::toString);
        }
    }

    /** Leaf paths of a stream event outside the item images, whose attributes vary from item to item. */
    private static TreeSet<String> envelope(JsonNode node) {
        TreeSet<String> paths = new TreeSet<>();
        collect(node, "", paths);
        return paths;
    }

    private static void collect(JsonNode node, String prefix, TreeSet<String> into) {
        if (prefix.endsWith("/OldImage")) {
            return; // an INSERT has none
        }
        if (prefix.endsWith("/NewImage") || prefix.endsWith("/Keys")) {
            into.add(prefix);
        } else if (node.isObject()) {
            node.properties().forEach(field -> collect(field.getValue(), prefix + "/" + field.getKey(), into));
        } else if (node.isArray()) {
            node.forEach(item -> collect(item, prefix + "[]", into));
        } else {
            into.add(prefix);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static byte[] csv(int records) {
        StringBuilder text = new StringBuilder("date,campaign,channel,spend,clicks,conversions,impressions\n");
        for (int i = 1; i <= records; i++) {
            // Every 97th record has a negative spend, so the run has row errors too.
            text.append("2024-03-").append(String.format("%02d", 1 + i % 28)).append(",Spring ").append(i % 17)
                    .append(",search,").append(i % 97 == 0 ? "-1" : i % 500 + ".25").append(',').append(i % 300)
                    .append(',').append(i % 7).append(',').append(i * 3).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private ObjectNode createUpload(String fileName, long length) throws Exception {
        // Several tests upload the same bytes; each run must import them (duplicates are allowed here, issue 11).
        ApiClient.Response created = api.post("uploads", "{\"fileName\":\"" + fileName + "\",\"contentLength\":"
                + length + ",\"allowDuplicate\":true}");
        assertEquals(201, created.status(), () -> String.valueOf(created.body()));
        return (ObjectNode) created.body();
    }

    private void put(ObjectNode upload, byte[] bytes) throws Exception {
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(upload.get("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        upload.get("headers").properties().forEach(h -> put.header(h.getKey(), h.getValue().asText()));
        HttpResponse<String> response = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
    }

    private static void assertCountersEqual(JsonNode run, JsonNode finished) {
        assertEquals("run.finished", finished.get("type").asText());
        for (String field : List.of("status", "records", "stored", "errors", "chunksDone", "chunksTotal")) {
            assertEquals(run.get(field).asText(), finished.get(field).asText(),
                    () -> field + " of run.finished equals GET /api/runs/{id}: " + finished + " vs " + run);
        }
        assertTrue(run.get("errors").asLong() > 0 || run.get("records").asLong() < 97, run::toString);
    }

    /** Status, counters and bytes never move backwards from one message to the next. */
    private static void assertNeverBackwards(List<JsonNode> messages) {
        for (int i = 1; i < messages.size(); i++) {
            JsonNode previous = messages.get(i - 1);
            JsonNode current = messages.get(i);
            for (String counter : List.of("bytesDone", "records", "stored", "errors", "chunksDone")) {
                assertTrue(current.get(counter).asLong() >= previous.get(counter).asLong(),
                        counter + " went backwards at message " + i + ": " + previous + " -> " + current);
            }
            assertTrue(STATUS_ORDER.indexOf(current.get("status").asText())
                    >= STATUS_ORDER.indexOf(previous.get("status").asText()),
                    "status went backwards at message " + i + ": " + previous + " -> " + current);
            assertTrue(current.get("bytesDone").asLong() <= current.get("bytesTotal").asLong(), current::toString);
        }
    }

    /** Nothing but the final state follows the first run.finished. */
    private static void assertFinishedLast(List<JsonNode> messages) {
        int first = -1;
        for (int i = 0; i < messages.size() && first < 0; i++) {
            if (messages.get(i).get("type").asText().equals("run.finished")) {
                first = i;
            }
        }
        assertTrue(first >= 0, () -> "a run.finished: " + messages);
        for (int i = first + 1; i < messages.size(); i++) {
            JsonNode later = messages.get(i);
            assertEquals("run.finished", later.get("type").asText(), "after run.finished: " + later);
            for (String field : List.of("status", "records", "stored", "errors")) {
                assertEquals(messages.get(first).get(field), later.get(field));
            }
        }
        assertFalse(messages.getLast().get("type").asText().equals("run.progress"));
    }

    private static long secondsBetween(JsonNode from, JsonNode to) {
        return Math.max(1, Duration.between(Instant.parse(from.get("updatedAt").asText()),
                Instant.parse(to.get("updatedAt").asText())).toSeconds() + 1);
    }

    private static int connectionItems(String connectionId) {
        return sluice.dynamoDbClient().query(b -> b.tableName(sluice.tableName("RunsTable")).consistentRead(true)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("CONN#" + connectionId))))
                .count();
    }

    private static void awaitNoItems(String connectionId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (connectionItems(connectionId) > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("items of connection " + connectionId + " were not removed");
            }
            Thread.sleep(50);
        }
    }

}
