package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.in.lambda.LoadFunction;
import dev.sluice.adapter.wire.ChunkMessageCodec;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.Mapping;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import dev.sluice.local.events.S3EventNotifications;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Regression tests for the holes an adversarial run found (issue 7, items 2, 4 and 7), through the local runtime
 * over real HTTP and the real queues: forged and orphan messages are sent with the SDK's SQS client, as anyone with
 * access to the queues could. After every test, for every run: stored + errors = records = what PostgreSQL holds,
 * and PostgreSQL holds no row of a run that does not exist.
 */
class RunIntegrityEndToEndTest {
    private static final String HEADER = "Date,Campaign,Channel,Spend,Clicks\n";
    private static final Duration URL_TTL = Duration.ofSeconds(10);
    private static Path dataDir;
    private static LocalSluice sluice;
    private static ApiClient api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-integrity");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir)
                .parameter("ChunkBytes", "1024")
                .parameter("UploadUrlTtlSeconds", Long.toString(URL_TTL.toSeconds()))
                .parameter("UploadExpiryMarginSeconds", "1")
                .parameter("ExpirySweepSchedule", "rate(1 second)")
                .visibilityTimeoutOverride(1)
                .build());
        api = new ApiClient(sluice.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        TestDirs.stop(sluice, dataDir);
    }

    /** Invariant 1 for every run in the table, and no rows in PostgreSQL for runs that do not exist. */
    @AfterEach
    void everyRowIsAccountedForAndNoneIsOrphaned() throws Exception {
        Set<String> runIds = new HashSet<>();
        sluice.dynamoDbClient().scanPaginator(b -> b.tableName(sluice.tableName("RunsTable"))).items().stream()
                .filter(item -> "RUN".equals(item.get("sk").s())).forEach(item -> runIds.add(item.get("runId").s()));
        for (String runId : runIds) {
            JsonNode run = api.run(runId);
            String status = run.get("status").asText();
            if (!run.get("final").asBoolean() || status.equals("FAILED") || status.equals("EXPIRED")) {
                continue;
            }
            RunInvariants.assertEveryRowAccountedFor(sluice, run);
            assertEquals(run.get("bytesTotal").asLong(), run.get("bytesDone").asLong(), () -> "bytes: " + run);
        }
        for (String table : List.of("records", "row_errors", "chunk_ledger")) {
            for (String runId : distinctRunIds(table)) {
                assertTrue(runIds.contains(runId),
                        () -> table + " holds rows of run " + runId + ", which does not exist");
            }
        }
    }

    @Test
    void forgedAndOrphanChunkMessagesAreDroppedWithoutWritingOrCounting() throws Exception {
        String csv = csv(30, "Spring");
        String runId = api.upload("finished.csv", csv.getBytes(StandardCharsets.UTF_8), null);
        JsonNode finished = api.awaitFinal(runId);
        assertEquals("SUCCEEDED", finished.get("status").asText(), finished::toString);
        String key = finished.get("key") == null ? objectKey(runId) : finished.get("key").asText();
        int total = finished.get("chunksTotal").asInt();
        long storedBefore = count("SELECT count(*) FROM records WHERE run_id = ?", runId);

        String orphan = UUID.randomUUID().toString();
        String deadOrphan = UUID.randomUUID().toString();
        long loads = invocations("LoadFunction");
        long deadInvocations = invocations("DeadChunkFunction");
        // ChunkQueue: a well-formed chunk of a run that does not exist, over bytes that really are in the bucket;
        // a chunk the finished run never had; its first chunk again with other record numbers.
        send("ChunkQueue", chunk(orphan, 1, key, HEADER.length(), csv.length(), 1, 30));
        send("ChunkQueue", chunk(runId, total + 1, key, HEADER.length(), csv.length(), 1, 30));
        send("ChunkQueue", chunk(runId, 1, key, HEADER.length(), csv.length(), 1001, 30));
        // ChunkDLQ: a dead chunk for the finished run (chunk total + 1 of 5,000 records), and one for no run at all.
        send("ChunkDLQ", chunk(runId, total + 1, key, HEADER.length(), csv.length(), 31, 5000));
        send("ChunkDLQ", chunk(deadOrphan, 1, key, HEADER.length(), csv.length(), 1, 30));

        await(Duration.ofSeconds(60), "the forged messages handled and deleted from both queues", () ->
                invocations("LoadFunction") >= loads + 3 && invocations("DeadChunkFunction") > deadInvocations
                        && queueEmpty("ChunkQueue") && queueEmpty("ChunkDLQ"));
        for (String unknown : List.of(orphan, deadOrphan)) {
            for (String table : List.of("records", "row_errors", "chunk_ledger")) {
                assertEquals(0, count("SELECT count(*) FROM " + table + " WHERE run_id = ?", unknown),
                        table + " rows for unknown run " + unknown);
            }
            assertEquals(404, api.get("runs/" + unknown).status(), "no run was made up for " + unknown);
        }
        JsonNode after = api.run(runId);
        for (String field : List.of("status", "records", "stored", "errors", "chunksDone", "chunksDead")) {
            assertEquals(finished.get(field), after.get(field), field + " of the finished run: " + after);
        }
        assertEquals(storedBefore, count("SELECT count(*) FROM records WHERE run_id = ?", runId));
        assertEquals(0, count("SELECT count(*) FROM row_errors WHERE run_id = ? AND code = 'CHUNK_FAILED'", runId));
        assertEquals(30, count("SELECT max(record_no) FROM records WHERE run_id = ?", runId));
    }

    @Test
    void aChunkAlteredOnTheQueueIsDroppedAndTheRunLoadsExactlyWhatWasPlanned() throws Exception {
        String chunkQueue = sluice.queueUrl("ChunkQueue");
        sluice.pauseEventSource("LoadFunction");
        String runId;
        try {
            runId = api.upload("altered.csv", csv(120, "Summer").getBytes(StandardCharsets.UTF_8), null);
            JsonNode loading = api.awaitRun(runId, r -> "LOADING".equals(r.path("status").asText()),
                    Duration.ofSeconds(30));
            int total = loading.get("chunksTotal").asInt();
            List<Message> chunks = new ArrayList<>();
            await(Duration.ofSeconds(30), "all " + total + " chunks on the queue", () -> {
                chunks.addAll(sluice.sqsClient().receiveMessage(b -> b.queueUrl(chunkQueue).maxNumberOfMessages(10)
                        .visibilityTimeout(60).waitTimeSeconds(1)).messages());
                return chunks.size() >= total;
            });
            Message real = chunks.stream().filter(m -> m.body().contains("\"chunkNo\":1,")).findFirst().orElseThrow();
            ObjectNode forged = (ObjectNode) api.json.readTree(real.body());
            forged.put("firstRecord", forged.get("firstRecord").asLong() + 1000);
            // Delivered first, straight to the loader: before the fix it took the ledger row of chunk 1.
            assertTrue(sluice.function("LoadFunction", LoadFunction.class)
                    .handleRequest(event(api.json.writeValueAsString(forged)), null).getBatchItemFailures().isEmpty(),
                    "a dropped message is acknowledged, not retried");
            for (Message chunk : chunks) {
                sluice.sqsClient().changeMessageVisibility(b -> b.queueUrl(chunkQueue)
                        .receiptHandle(chunk.receiptHandle()).visibilityTimeout(0));
            }
        } finally {
            sluice.resumeEventSource("LoadFunction");
        }
        JsonNode run = api.awaitFinal(runId);
        assertEquals("SUCCEEDED", run.get("status").asText(), run::toString);
        assertEquals(120, run.get("stored").asLong());
        assertEquals(1, count("SELECT min(record_no) FROM records WHERE run_id = ?", runId));
        assertEquals(120, count("SELECT max(record_no) FROM records WHERE run_id = ?", runId));
    }

    @Test
    void anUploadUrlCannotReplaceTheFileOfItsRun() throws Exception {
        byte[] first = csv(20, "First").getBytes(StandardCharsets.UTF_8);
        byte[] second = csv(20, "Other").getBytes(StandardCharsets.UTF_8);
        assertEquals(first.length, second.length, "same length: the signature cannot tell them apart");
        JsonNode created = createUpload("twice.csv", first.length);
        assertEquals(200, put(created, first).statusCode());
        HttpResponse<String> replaced = put(created, second);
        assertEquals(412, replaced.statusCode(), "the URL cannot overwrite the run's file: " + replaced.body());
        JsonNode run = api.awaitFinal(created.get("runId").asText());
        assertEquals("SUCCEEDED", run.get("status").asText(), run::toString);
        assertEquals(20, count("SELECT count(*) FROM records WHERE run_id = ? AND campaign LIKE 'First%'",
                created.get("runId").asText()), "every record comes from the file that was uploaded first");
        assertEquals(first.length, run.get("bytesTotal").asLong());
    }

    @Test
    void aSecondObjectEventForARunIsDroppedAndTheRunKeepsItsFirstVersion() throws Exception {
        String runId = api.upload("event.csv", csv(10, "Event").getBytes(StandardCharsets.UTF_8), null);
        JsonNode finished = api.awaitFinal(runId);
        String key = objectKey(runId);
        String eTag = runItem(runId).get("objectETag").s();
        long splits = invocations("SplitFunction");
        String bucket = sluice.bucketName("UploadBucket");
        sluice.sqsClient().sendMessage(b -> b.queueUrl(sluice.queueUrl("IngestQueue")).messageBody(
                S3EventNotifications.event(bucket, key, 999, "ffffffffffffffffffffffffffffffff", "ObjectCreated:Put",
                        "UploadBucket-queue-1", Instant.now(), "00FFFFFFFFFFFFFFFF")));
        await(Duration.ofSeconds(30), "the second event handled", () -> invocations("SplitFunction") > splits
                && queueEmpty("IngestQueue"));
        assertEquals(eTag, runItem(runId).get("objectETag").s(), "the run keeps the first ETag");
        JsonNode after = api.run(runId);
        for (String field : List.of("status", "records", "stored", "chunksDone", "bytesTotal", "updatedAt")) {
            assertEquals(finished.get(field), after.get(field), field);
        }
    }

    @Test
    void aDropReplacedBeforeItIsSplitFailsWithFileChangedAndTheNewVersionGetsItsOwnRun() throws Exception {
        String bucket = sluice.bucketName("UploadBucket");
        String key = "drop/acme/replaced " + System.nanoTime() + ".csv";
        sluice.pauseEventSource("SplitFunction");
        try {
            sluice.s3Client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(csv(40, "Old")));
            sluice.s3Client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(csv(70, "New")));
        } finally {
            sluice.resumeEventSource("SplitFunction");
        }
        List<JsonNode> runs = awaitDropRuns(key, 2);
        JsonNode old = runs.stream().filter(r -> r.get("contentLength").asLong() == csv(40, "Old").length())
                .findFirst().orElseThrow(() -> new AssertionError("no run for the first version: " + runs));
        JsonNode current = runs.stream().filter(r -> r != old).findFirst().orElseThrow();
        assertEquals("FAILED", old.get("status").asText(), old::toString);
        assertEquals("FILE_CHANGED", old.get("failure").get("code").asText());
        assertEquals(0, count("SELECT count(*) FROM records WHERE run_id = ?", old.get("runId").asText()),
                "nothing of the replaced version was read");
        assertEquals("SUCCEEDED", current.get("status").asText(), current::toString);
        assertEquals(70, current.get("stored").asLong());
        assertEquals(70, count("SELECT count(*) FROM records WHERE run_id = ? AND campaign LIKE 'New%'",
                current.get("runId").asText()));
    }

    @Test
    void aDropOverwrittenWhileLoadingEndsWithFileChangedAndNeverMixesVersions() throws Exception {
        String bucket = sluice.bucketName("UploadBucket");
        String key = "drop/acme/overwritten " + System.nanoTime() + ".csv";
        String first = csv(60, "Old");
        sluice.pauseEventSource("LoadFunction");
        List<JsonNode> firstRun;
        try {
            sluice.s3Client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(first));
            firstRun = awaitDropRuns(key, 1);
            api.awaitRun(firstRun.get(0).get("runId").asText(), r -> "LOADING".equals(r.path("status").asText()),
                    Duration.ofSeconds(30));
            // A longer file under the same key while every chunk of the first version is still queued.
            sluice.s3Client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(csv(95, "New")));
        } finally {
            sluice.resumeEventSource("LoadFunction");
        }
        String oldRunId = firstRun.get(0).get("runId").asText();
        JsonNode old = api.awaitFinal(oldRunId);
        assertEquals("PARTIAL", old.get("status").asText(), old::toString);
        assertEquals("FILE_CHANGED", old.get("failure").get("code").asText(), old::toString);
        assertEquals(60, old.get("records").asLong());
        assertEquals(60, old.get("errors").asLong(), "no record of the first version could be read any more");
        for (JsonNode dead : old.get("deadChunks")) {
            assertTrue(dead.get("reason").asText().startsWith("FILE_CHANGED"),
                    () -> "declared dead at once, not after 5 attempts: " + dead);
        }
        assertEquals(0, count("SELECT count(*) FROM records WHERE run_id = ? AND campaign LIKE 'New%'", oldRunId),
                "no record of the second version in the first run");
        List<JsonNode> both = awaitDropRuns(key, 2);
        JsonNode current = both.stream().filter(r -> !r.get("runId").asText().equals(oldRunId)).findFirst()
                .orElseThrow();
        assertEquals("SUCCEEDED", current.get("status").asText(), current::toString);
        assertEquals(95, current.get("stored").asLong());
    }

    @Test
    void aRunWhoseFileNeverArrivesEndsExpiredAndIsListedSo() throws Exception {
        JsonNode created = createUpload("never.csv", 100);
        String runId = created.get("runId").asText();
        assertEquals("CREATED", api.run(runId).get("status").asText());
        JsonNode run = api.awaitRun(runId, r -> "EXPIRED".equals(r.path("status").asText()),
                URL_TTL.plus(Duration.ofSeconds(30)));
        assertTrue(run.get("final").asBoolean());
        assertFalse(run.get("stalled").asBoolean());
        assertEquals("UPLOAD_EXPIRED", run.get("failure").get("code").asText());
        assertTrue(run.get("failure").get("message").asText().contains("never.csv"), run::toString);
        JsonNode listed = null;
        for (JsonNode item : api.get("runs?limit=1000").body().get("items")) {
            if (item.get("runId").asText().equals(runId)) {
                listed = item;
            }
        }
        assertTrue(listed != null && "EXPIRED".equals(listed.get("status").asText()), "listed as EXPIRED: " + listed);
        assertEquals(403, put(created, new byte[100]).statusCode(), "the URL has expired");
    }

    @Test
    void aRunWhoseFileArrivedButWaitsForItsSplitDoesNotExpire() throws Exception {
        byte[] file = csv(5, "Late").getBytes(StandardCharsets.UTF_8);
        JsonNode created = createUpload("late.csv", file.length);
        String runId = created.get("runId").asText();
        sluice.pauseEventSource("SplitFunction");
        try {
            assertEquals(200, put(created, file).statusCode());
            // A run created after it that gets no file: the sweep that expires it has passed the late run's deadline
            // too (the sweep takes every CREATED run older than its cutoff, oldest first).
            String canary = createUpload("canary.csv", 10).get("runId").asText();
            api.awaitRun(canary, r -> "EXPIRED".equals(r.path("status").asText()), URL_TTL.plusSeconds(30));
            assertEquals("CREATED", api.run(runId).get("status").asText(),
                    "its file is in the bucket (the notification is waiting on IngestQueue): not expired");
        } finally {
            sluice.resumeEventSource("SplitFunction");
        }
        assertEquals("SUCCEEDED", api.awaitFinal(runId).get("status").asText());
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private JsonNode createUpload(String fileName, long length) throws Exception {
        ApiClient.Response created = api.post("uploads", "{\"fileName\": \"" + fileName + "\", \"contentLength\": "
                + length + "}");
        assertEquals(201, created.status(), () -> "POST /api/uploads: " + created.body());
        return created.body();
    }

    private HttpResponse<String> put(JsonNode created, byte[] body) throws Exception {
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(created.get("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        created.get("headers").properties().forEach(h -> put.header(h.getKey(), h.getValue().asText()));
        return http.send(put.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String chunk(String runId, int chunkNo, String key, long start, long end, long firstRecord,
            int records) {
        Map<CanonicalField, String> columns = new EnumMap<>(CanonicalField.class);
        columns.put(CanonicalField.DATE, "Date");
        columns.put(CanonicalField.CAMPAIGN, "Campaign");
        columns.put(CanonicalField.CHANNEL, "Channel");
        columns.put(CanonicalField.SPEND, "Spend");
        columns.put(CanonicalField.CLICKS, "Clicks");
        ChunkMessage message = new ChunkMessage(runId, "default", chunkNo, sluice.bucketName("UploadBucket"), key,
                start, end, firstRecord, records, 2, new Dialect("UTF-8", 0, ',', '"',
                        List.of("Date", "Campaign", "Channel", "Spend", "Clicks")), new Mapping(columns),
                NumberStyle.US);
        return ChunkMessageCodec.encode(api.json, message);
    }

    private static void send(String queue, String body) {
        sluice.sqsClient().sendMessage(b -> b.queueUrl(sluice.queueUrl(queue)).messageBody(body));
    }

    private static SQSEvent event(String body) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId(UUID.randomUUID().toString());
        record.setBody(body);
        record.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        record.setEventSource("aws:sqs");
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(record));
        return event;
    }

    private static long invocations(String function) {
        return sluice.eventSources(function).stream().mapToLong(s -> s.invocations()).sum();
    }

    private static boolean queueEmpty(String queue) {
        Map<String, String> attributes = sluice.sqsClient().getQueueAttributes(b -> b.queueUrl(sluice.queueUrl(queue))
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings();
        return "0".equals(attributes.get("ApproximateNumberOfMessages"))
                && "0".equals(attributes.get("ApproximateNumberOfMessagesNotVisible"));
    }

    private static Map<String, AttributeValue> runItem(String runId) {
        return sluice.dynamoDbClient().getItem(b -> b.tableName(sluice.tableName("RunsTable")).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("RUN#" + runId), "sk", AttributeValue.fromS("RUN")))).item();
    }

    private static String objectKey(String runId) {
        return runItem(runId).get("objectKey").s();
    }

    /** The drop runs of one key, once there are {@code expected} of them and all are final. */
    private static List<JsonNode> awaitDropRuns(String key, int expected) throws Exception {
        List<JsonNode> runs = new ArrayList<>();
        await(Duration.ofSeconds(60), expected + " final runs for " + key, () -> {
            runs.clear();
            sluice.dynamoDbClient().query(b -> b.tableName(sluice.tableName("RunsTable")).indexName("RunsByOwner")
                    .keyConditionExpression("gsi1pk = :owner")
                    .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS("OWNER#partner:acme"))))
                    .items().stream().filter(item -> key.equals(item.get("objectKey").s()))
                    .forEach(item -> runs.add(unchecked(() -> api.run(item.get("runId").s()))));
            return runs.size() == expected && (expected > 1 ? runs.stream().allMatch(r -> r.get("final").asBoolean())
                    : true);
        });
        return List.copyOf(runs);
    }

    private interface IoSupplier<T> {
        T get() throws Exception;
    }

    private static <T> T unchecked(IoSupplier<T> supplier) {
        try {
            return supplier.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out after " + timeout + " waiting for " + what);
            Thread.sleep(50);
        }
    }

    private static String csv(int records, String campaign) {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 1; i <= records; i++) {
            csv.append("2024-03-").append(String.format("%02d", 1 + i % 28)).append(",\"").append(campaign)
                    .append(' ').append(String.format("%03d", i)).append(", EU\",search,").append(i % 10)
                    .append(".50,").append(i % 10).append('\n');
        }
        return csv.toString();
    }

    private static List<String> distinctRunIds(String table) throws Exception {
        try (Connection connection = DriverManager.getConnection(sluice.jdbcUrl(), sluice.dbUser(),
                sluice.dbPassword());
                PreparedStatement query = connection.prepareStatement("SELECT DISTINCT run_id FROM " + table);
                ResultSet rows = query.executeQuery()) {
            List<String> ids = new ArrayList<>();
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
            return ids;
        }
    }

    private static long count(String sql, String runId) throws Exception {
        return RunInvariants.count(sluice, sql, runId);
    }
}
