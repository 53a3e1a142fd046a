package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.in.lambda.LoadFunction;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The whole pipeline through the local runtime: HTTP API, presigned PUT, S3 notification, splitter, SQS,
 * loaders, DLQ. Chunks are tiny (1 KiB) so every sample file is cut into several chunks.
 */
class PipelineEndToEndTest {
    private static final Path REPO = TestDirs.repoRoot();
    private static final List<String> RUN_IDS = new ArrayList<>();
    private static Path dataDir;
    private static LocalSluice sluice;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-e2e");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir)
                .parameter("ChunkBytes", "1024")
                .visibilityTimeoutOverride(1)
                .build());
        api = new ApiClient(sluice.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        TestDirs.stop(sluice, dataDir);
    }

    /** Invariant 1 for every run this class created: counters = what PostgreSQL holds = the file's records. */
    @AfterEach
    void everyRowIsAccountedFor() throws Exception {
        for (String runId : List.copyOf(RUN_IDS)) {
            JsonNode run = api.run(runId);
            if (!ApiClient.FINAL.contains(run.get("status").asText()) || run.get("status").asText().equals("FAILED")) {
                continue;
            }
            RunInvariants.assertEveryRowAccountedFor(sluice, run);
        }
    }

    @TestFactory
    Stream<DynamicTest> everySampleFileGivesExactlyItsExpectedOutcome() throws Exception {
        try (Stream<Path> files = Files.list(REPO.resolve("samplecsv"))) {
            return files.filter(p -> p.toString().endsWith(".expected.json")).sorted()
                    .map(expected -> DynamicTest.dynamicTest(expected.getFileName().toString(),
                            () -> checkSample(expected)))
                    .toList().stream();
        }
    }

    private void checkSample(Path expectedFile) throws Exception {
        JsonNode expected = api.json.readTree(expectedFile.toFile());
        String csvName = expectedFile.getFileName().toString().replace(".expected.json", ".csv");
        Path csv = expectedFile.resolveSibling(csvName);
        Map<String, String> mapping = null;
        if (expected.has("mapping")) {
            mapping = new HashMap<>();
            for (var field : expected.get("mapping").properties()) {
                mapping.put(field.getKey(), field.getValue().asText());
            }
        }
        String runId = api.upload(csvName, Files.readAllBytes(csv), mapping);
        RUN_IDS.add(runId);
        JsonNode run = api.awaitFinal(runId);
        assertEquals(expected.get("status").asText(), run.get("status").asText(), () -> csvName + ": " + run);
        if (expected.hasNonNull("failureCode")) {
            assertEquals(expected.get("failureCode").asText(), run.get("failure").get("code").asText());
            assertTrue(run.get("failure").get("message").asText().contains(csvName),
                    () -> "the failure names the file: " + run.get("failure"));
            return;
        }
        if (expected.has("file")) {
            assertSubset(expected.get("file"), run.get("file"), csvName + " file");
        }
        assertEquals(expected.get("records").asLong(), run.get("records").asLong(), csvName + " records");
        assertEquals(expected.get("stored").asLong(), run.get("stored").asLong(), csvName + " stored");
        assertEquals(expected.get("errors").asLong(), run.get("errors").asLong(), csvName + " errors");

        Map<Long, List<String>> actualCodes = new TreeMap<>();
        Map<Long, Long> actualLines = new TreeMap<>();
        for (JsonNode error : api.all("runs/" + runId + "/errors")) {
            actualCodes.computeIfAbsent(error.get("record").asLong(), r -> new ArrayList<>())
                    .add(error.get("code").asText());
            actualLines.put(error.get("record").asLong(), error.get("line").asLong());
            assertFalse(error.get("message").asText().isBlank(), "every error says why");
        }
        Map<Long, List<String>> expectedCodes = new TreeMap<>();
        for (JsonNode rejected : expected.path("rejected")) {
            List<String> codes = new ArrayList<>();
            rejected.get("codes").forEach(c -> codes.add(c.asText()));
            expectedCodes.put(rejected.get("record").asLong(), codes);
            if (rejected.has("line")) {
                assertEquals(rejected.get("line").asLong(), actualLines.get(rejected.get("record").asLong()),
                        csvName + " line of record " + rejected.get("record"));
            }
        }
        expectedCodes.values().forEach(java.util.Collections::sort);
        actualCodes.values().forEach(java.util.Collections::sort);
        assertEquals(expectedCodes, actualCodes, csvName + " rejected records and their codes");

        List<JsonNode> records = api.all("runs/" + runId + "/records");
        assertEquals(expected.get("stored").asLong(), records.size());
        Map<Long, JsonNode> byNumber = new HashMap<>();
        records.forEach(r -> byNumber.put(r.get("record").asLong(), r));
        for (JsonNode spot : expected.path("spot")) {
            JsonNode actual = byNumber.get(spot.get("record").asLong());
            assertTrue(actual != null, () -> csvName + ": record " + spot.get("record") + " was not stored");
            for (var field : spot.properties()) {
                if (field.getKey().equals("record")) {
                    continue;
                }
                String where = csvName + " record " + spot.get("record") + " " + field.getKey();
                if (field.getKey().equals("extra")) {
                    for (var column : field.getValue().properties()) {
                        assertEquals(column.getValue().asText(), actual.get("extra").path(column.getKey()).asText(),
                                where + "." + column.getKey());
                    }
                    continue;
                }
                assertSameValue(field.getValue(), actual.get(field.getKey()), where);
            }
        }
    }

    /**
     * Every value of {@code expected} is in {@code actual}: objects by key (others may be there too), arrays
     * element by element (each expected element matches some actual one), the rest by text. The expected files'
     * {@code file} is a part of the run's {@code file}, e.g. some of its reading decisions.
     */
    private static void assertSubset(JsonNode expected, JsonNode actual, String where) {
        assertTrue(actual != null && !actual.isNull(), where + " is missing");
        if (expected.isObject()) {
            expected.properties().forEach(e -> assertSubset(e.getValue(), actual.get(e.getKey()),
                    where + "." + e.getKey()));
        } else if (expected.isArray()) {
            for (JsonNode element : expected) {
                boolean found = false;
                for (JsonNode candidate : actual) {
                    try {
                        assertSubset(element, candidate, where);
                        found = true;
                        break;
                    } catch (AssertionError notThisOne) {
                        // the next element may match
                    }
                }
                assertTrue(found, where + ": no element matches " + element + " in " + actual);
            }
        } else {
            assertEquals(expected.asText(), actual.asText(), where);
        }
    }

    private static void assertSameValue(JsonNode expected, JsonNode actual, String where) {
        assertTrue(actual != null, where + " is missing");
        if (expected.isNull()) {
            assertTrue(actual.isNull(), where + " should be null, was " + actual);
        } else if (actual.isNumber()) {
            assertEquals(0, actual.decimalValue().compareTo(new java.math.BigDecimal(expected.asText())),
                    where + ": expected " + expected + ", was " + actual);
        } else {
            assertEquals(expected.asText(), actual.asText(), where);
        }
    }

    @Test
    void badRequestsGetSpecificSafeErrors() throws Exception {
        ApiClient.Response missingName = api.post("uploads", "{\"contentLength\": 10}");
        assertEquals(400, missingName.status());
        assertEquals("INVALID_REQUEST", missingName.body().get("error").get("code").asText());
        assertTrue(missingName.body().get("error").get("message").asText().contains("fileName"), missingName::toString);

        ApiClient.Response notJson = api.post("uploads", "{\"fileName\": \"a.csv\",\n \"contentLength\": }");
        assertEquals(400, notJson.status());
        assertTrue(notJson.body().get("error").get("message").asText().contains("line 2"), notJson::toString);

        ApiClient.Response tooBig = api.post("uploads", "{\"fileName\": \"a.csv\", \"contentLength\": 6000000000}");
        assertEquals(413, tooBig.status());
        assertEquals("FILE_TOO_LARGE", tooBig.body().get("error").get("code").asText());

        ApiClient.Response badMapping = api.post("uploads",
                "{\"fileName\": \"a.csv\", \"contentLength\": 5, \"mapping\": {\"cost\": \"Spend\"}}");
        assertEquals(400, badMapping.status());
        assertTrue(badMapping.body().get("error").get("message").asText().contains("cost"), badMapping::toString);

        ApiClient.Response unknownRun = api.get("runs/00000000-0000-0000-0000-000000000000");
        assertEquals(404, unknownRun.status());
        assertEquals("NOT_FOUND", unknownRun.body().get("error").get("code").asText());

        String runId = api.upload("cursor.csv", smallCsv(3).getBytes(StandardCharsets.UTF_8), null);
        RUN_IDS.add(runId);
        api.awaitFinal(runId);
        ApiClient.Response badCursor = api.get("runs/" + runId + "/records?cursor=!!");
        assertEquals(400, badCursor.status());
        ApiClient.Response badLimit = api.get("runs/" + runId + "/errors?limit=5000");
        assertEquals(400, badLimit.status());
        assertTrue(badLimit.body().get("error").get("message").asText().contains("limit"));

        for (ApiClient.Response response : List.of(missingName, notJson, tooBig, badMapping, unknownRun, badCursor,
                badLimit)) {
            String body = response.body().toString();
            assertFalse(body.contains("Exception") || body.contains("at dev.sluice"), () -> "no stack trace: " + body);
        }
    }

    @Test
    void aPresignedUrlAcceptsExactlyItsKeyAndLength() throws Exception {
        ObjectNode request = api.json.createObjectNode();
        request.put("fileName", "exact.csv");
        request.put("contentLength", 20);
        JsonNode created = api.post("uploads", api.json.writeValueAsString(request)).body();
        String url = created.get("uploadUrl").asText();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> wrongLength = http.send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(url)).header("Content-Type", "text/csv")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("x".repeat(21))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(403, wrongLength.statusCode(), "a body of another length is refused");
        String otherKey = url.replace("exact.csv", "other.csv");
        java.net.http.HttpResponse<String> wrongKey = http.send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(otherKey)).header("Content-Type", "text/csv")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("x".repeat(20))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(403, wrongKey.statusCode(), "the signature covers exactly one key");
        assertEquals("CREATED", api.run(created.get("runId").asText()).get("status").asText(),
                "nothing arrived, so nothing started");
    }

    @Test
    void theSameS3NotificationDeliveredTwiceCreatesOneRun() throws Exception {
        String ingestQueue = sluice.queueUrl("IngestQueue");
        sluice.pauseEventSource("SplitFunction");
        String key = "drop/acme/twice " + System.nanoTime() + ".csv";
        try {
            sluice.s3Client().putObject(b -> b.bucket(sluice.bucketName("UploadBucket")).key(key),
                    software.amazon.awssdk.core.sync.RequestBody.fromString(smallCsv(25)));
            Message notification = receiveOne(ingestQueue);
            sluice.sqsClient().deleteMessage(b -> b.queueUrl(ingestQueue).receiptHandle(notification.receiptHandle()));
            for (int i = 0; i < 3; i++) {
                sluice.sqsClient().sendMessage(b -> b.queueUrl(ingestQueue).messageBody(notification.body()));
            }
        } finally {
            sluice.resumeEventSource("SplitFunction");
        }
        String owner = "partner:acme";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> runs;
        JsonNode run;
        while (true) {
            runs = runsForKey(owner, key);
            run = runs.size() == 1 ? api.run(runs.get(0)) : null;
            if (run != null && ApiClient.FINAL.contains(run.get("status").asText())
                    && sluice.eventSources("SplitFunction").get(0).invocations() >= 3 && queueEmpty(ingestQueue)) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "the partner file's run did not finish: " + runs);
            Thread.sleep(50);
        }
        assertEquals(1, runsForKey(owner, key).size(), "one run for one object");
        assertEquals("SUCCEEDED", run.get("status").asText());
        assertEquals(25, run.get("records").asLong());
        assertEquals(25, count("SELECT count(*) FROM records WHERE run_id = ?", runs.get(0)));
    }

    /**
     * What the saved Logs Insights queries and the README promise: the loader's chunk line carries stored, rejected,
     * writeMillis and countMillis as JSON fields beside runId and chunkNo, and each chunk has one line per row error
     * code with errorCode and errorCount, which add up to the row errors PostgreSQL holds.
     */
    @Test
    void theLoaderLogsCountsTimingsAndRowErrorCodesAsJsonFields() throws Exception {
        String csv = smallCsv(40) + "2024-13-01,Bad month,search,1.50,3\n2024-02-30,Bad day,search,1.50,x\n"
                + "2024-03-01,Bad clicks,search,1.50,-4\n";
        try (FunctionsLog logs = FunctionsLog.start()) {
            String runId = api.upload("logged.csv", csv.getBytes(StandardCharsets.UTF_8), null);
            RUN_IDS.add(runId);
            JsonNode run = api.awaitFinal(runId);
            int chunks = run.get("chunksTotal").asInt();
            assertTrue(chunks >= 2, "a small chunk size cuts the file into several chunks: " + chunks);
            // The chunk line is written after the run is counted, so the last may come after the final status.
            List<JsonNode> lines = logs.await(Duration.ofSeconds(30), "a chunk line for each of " + chunks + " chunks",
                    all -> chunkLines(all, runId).size() == chunks);

            Map<Integer, JsonNode> chunkLines = chunkLines(lines, runId);
            long stored = 0;
            for (JsonNode line : chunkLines.values()) {
                for (String field : List.of("stored", "rejected", "writeMillis", "countMillis")) {
                    assertTrue(line.path(field).canConvertToLong(), field + " in " + line);
                }
                stored += line.get("stored").asLong();
            }
            assertEquals(run.get("stored").asLong(), stored, "stored per chunk adds up to the run's");

            Map<String, Long> logged = new TreeMap<>();
            for (JsonNode line : lines) {
                if (runId.equals(line.path("runId").asText()) && line.has("errorCode")) {
                    assertTrue(line.has("chunkNo"), line.toString());
                    logged.merge(line.get("errorCode").asText(), line.get("errorCount").asLong(), Long::sum);
                }
            }
            Map<String, Long> inPostgres = new TreeMap<>();
            try (Connection connection = DriverManager.getConnection(sluice.jdbcUrl(), sluice.dbUser(),
                    sluice.dbPassword());
                    PreparedStatement query = connection.prepareStatement(
                            "SELECT code, count(*) FROM row_errors WHERE run_id = ? GROUP BY code")) {
                query.setString(1, runId);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        inPostgres.put(rows.getString(1), rows.getLong(2));
                    }
                }
            }
            assertEquals(Map.of("INVALID_DATE", 2L, "INVALID_INTEGER", 1L, "NEGATIVE", 1L), inPostgres);
            assertEquals(inPostgres, logged, "errorCount by errorCode in the log = row errors in PostgreSQL");
        }
    }

    /** The loader's chunk line of each chunk of the run (the last one logged when a chunk was delivered twice). */
    private static Map<Integer, JsonNode> chunkLines(List<JsonNode> lines, String runId) {
        Map<Integer, JsonNode> chunks = new TreeMap<>();
        for (JsonNode line : lines) {
            if (runId.equals(line.path("runId").asText()) && line.has("writeMillis")) {
                chunks.put(line.get("chunkNo").asInt(), line);
            }
        }
        return chunks;
    }

    @Test
    void aChunkDeliveredTwiceAndConcurrentlyIsLoadedAndCountedOnce() throws Exception {
        String chunkQueue = sluice.queueUrl("ChunkQueue");
        sluice.pauseEventSource("LoadFunction");
        String runId;
        List<Message> chunks;
        try {
            runId = api.upload("twice.csv", smallCsv(120).getBytes(StandardCharsets.UTF_8), null);
            RUN_IDS.add(runId);
            JsonNode loading = api.awaitRun(runId, r -> "LOADING".equals(r.path("status").asText()),
                    Duration.ofSeconds(30));
            int total = loading.get("chunksTotal").asInt();
            assertTrue(total >= 3, "a small chunk size cuts the file into several chunks: " + total);
            chunks = receiveAll(chunkQueue, total);
            LoadFunction loader = sluice.function("LoadFunction", LoadFunction.class);
            // Every chunk handed to two concurrent invocations, then once more afterwards.
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (Message chunk : chunks) {
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<SQSBatchResponse>> results = new ArrayList<>();
                    for (int i = 0; i < 2; i++) {
                        results.add(pool.submit(() -> {
                            go.await();
                            return loader.handleRequest(event(chunk), null);
                        }));
                    }
                    go.countDown();
                    for (Future<SQSBatchResponse> result : results) {
                        assertTrue(result.get().getBatchItemFailures().isEmpty());
                    }
                    assertTrue(loader.handleRequest(event(chunk), null).getBatchItemFailures().isEmpty());
                    sluice.sqsClient().deleteMessage(b -> b.queueUrl(chunkQueue).receiptHandle(chunk.receiptHandle()));
                }
            } finally {
                pool.shutdownNow();
            }
        } finally {
            sluice.resumeEventSource("LoadFunction");
        }
        JsonNode run = api.awaitFinal(runId);
        assertEquals("SUCCEEDED", run.get("status").asText());
        assertEquals(120, run.get("records").asLong());
        assertEquals(120, run.get("stored").asLong());
        assertEquals(0, run.get("errors").asLong());
        assertEquals(run.get("chunksTotal").asInt(), run.get("chunksDone").asInt());
        assertEquals(120, count("SELECT count(*) FROM records WHERE run_id = ?", runId));
        // A split that outlives the 1 s IngestQueue visibility used here is redelivered and sends its chunks again:
        // the ledger holds each chunk once however many messages carried it.
        assertEquals(run.get("chunksTotal").asLong(),
                count("SELECT count(*) FROM chunk_ledger WHERE run_id = ?", runId));
    }

    @Test
    void aPoisonChunkGoesToTheDlqAndTheRunEndsPartialNamingIt() throws Exception {
        String chunkQueue = sluice.queueUrl("ChunkQueue");
        sluice.pauseEventSource("LoadFunction");
        String runId;
        int poisoned;
        long poisonedRecords;
        try {
            runId = api.upload("poison.csv", smallCsv(60).getBytes(StandardCharsets.UTF_8), null);
            RUN_IDS.add(runId);
            JsonNode loading = api.awaitRun(runId, r -> "LOADING".equals(r.path("status").asText()),
                    Duration.ofSeconds(30));
            List<Message> chunks = receiveAll(chunkQueue, loading.get("chunksTotal").asInt());
            Message victim = chunks.get(1);
            JsonNode body = api.json.readTree(victim.body());
            poisoned = body.get("chunkNo").asInt();
            poisonedRecords = body.get("recordCount").asLong();
            long first = body.get("firstRecord").asLong();
            // A planned chunk that fails every delivery the same way: PostgreSQL refuses its rows. (Altering the
            // message instead would make it a chunk the splitter never planned, which loaders drop.)
            sql("CREATE FUNCTION poison_" + poisoned + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "RAISE EXCEPTION 'poisoned record %', NEW.record_no; END $$");
            sql("CREATE TRIGGER poison BEFORE INSERT ON records FOR EACH ROW WHEN (NEW.run_id = '" + runId
                    + "' AND NEW.record_no BETWEEN " + first + " AND " + (first + poisonedRecords - 1)
                    + ") EXECUTE FUNCTION poison_" + poisoned + "()");
            for (Message chunk : chunks) {
                sluice.sqsClient().changeMessageVisibility(b -> b.queueUrl(chunkQueue)
                        .receiptHandle(chunk.receiptHandle()).visibilityTimeout(0));
            }
        } finally {
            sluice.resumeEventSource("LoadFunction");
        }
        try {
            api.awaitFinal(runId);
        } finally {
            sql("DROP TRIGGER IF EXISTS poison ON records");
        }
        JsonNode run = api.awaitFinal(runId);
        assertEquals("PARTIAL", run.get("status").asText(), run::toString);
        assertEquals(1, run.get("chunksDead").asInt());
        JsonNode dead = run.get("deadChunks").get(0);
        assertEquals(poisoned, dead.get("chunkNo").asInt());
        // Usually 5; more when a split outlived the 1 s IngestQueue visibility here and sent the chunk twice.
        String reason = dead.get("reason").asText();
        assertTrue(reason.contains("poisoned record") && reason.matches("(?s).*after \\d+ attempts\\)$"),
                () -> "reason says why: " + dead);
        assertEquals(poisonedRecords, run.get("errors").asLong());
        assertEquals(60 - poisonedRecords, run.get("stored").asLong());
        List<JsonNode> errors = api.all("runs/" + runId + "/errors");
        assertEquals(poisonedRecords, errors.size());
        errors.forEach(e -> assertEquals("CHUNK_FAILED", e.get("code").asText()));
    }

    private static SQSEvent event(Message message) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId(message.messageId());
        record.setReceiptHandle(message.receiptHandle());
        record.setBody(message.body());
        record.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        record.setEventSource("aws:sqs");
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(record));
        return event;
    }

    private static Message receiveOne(String queueUrl) throws InterruptedException {
        return receiveAll(queueUrl, 1).get(0);
    }

    /** Takes the messages off the queue for a minute (visibility), so nothing else sees them meanwhile. */
    private static List<Message> receiveAll(String queueUrl, int expected) throws InterruptedException {
        List<Message> messages = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (messages.size() < expected) {
            assertTrue(System.nanoTime() < deadline, "expected " + expected + " messages, got " + messages.size());
            messages.addAll(sluice.sqsClient().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .visibilityTimeout(60).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages());
        }
        messages.sort(Comparator.comparingInt(m -> m.body().hashCode()));
        return messages;
    }

    private static boolean queueEmpty(String queueUrl) {
        Map<String, String> attributes = new HashMap<>();
        sluice.sqsClient().getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings(
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings()
                .forEach(attributes::put);
        return "0".equals(attributes.get("ApproximateNumberOfMessages"))
                && "0".equals(attributes.get("ApproximateNumberOfMessagesNotVisible"));
    }

    private static List<String> runsForKey(String owner, String key) {
        List<String> ids = new ArrayList<>();
        sluice.dynamoDbClient().query(b -> b.tableName(sluice.tableName("RunsTable")).indexName("RunsByOwner")
                .keyConditionExpression("gsi1pk = :owner")
                .expressionAttributeValues(Map.of(":owner",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("OWNER#" + owner))))
                .items().stream().filter(item -> key.equals(item.get("objectKey").s()))
                .forEach(item -> ids.add(item.get("runId").s()));
        return ids;
    }

    private static String smallCsv(int records) {
        StringBuilder csv = new StringBuilder("Date,Campaign,Channel,Spend,Clicks\n");
        for (int i = 1; i <= records; i++) {
            csv.append("2024-03-").append(String.format("%02d", 1 + i % 28)).append(",\"Campaign ").append(i)
                    .append(", EU\",search,").append(i).append(".50,").append(i * 3).append('\n');
        }
        return csv.toString();
    }

    private static void sql(String statement) throws Exception {
        try (Connection connection = DriverManager.getConnection(sluice.jdbcUrl(), sluice.dbUser(),
                sluice.dbPassword());
                java.sql.Statement update = connection.createStatement()) {
            update.execute(statement);
        }
    }

    private static long count(String sql, String runId) throws Exception {
        return RunInvariants.count(sluice, sql, runId);
    }
}
