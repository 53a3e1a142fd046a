package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Issue 11, "Safe uploads": what an attacker or a careless user can send through the running local stack over real
 * HTTP, each with its documented refusal, and nothing from it in the database. Limits are set small here
 * (template parameters) so a file over each is cheap to make; the gzip bomb is the real ~10 GiB.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UploadSafetyEndToEndTest {
    private static final long MIB = 1024 * 1024;
    private static final int MAX_UPLOADS_PER_HOUR = 80;
    /** Short, so expiry is testable (as in RunIntegrityEndToEndTest); every other test PUTs within seconds. */
    private static final Duration URL_TTL = Duration.ofSeconds(10);
    private static final String HEADER = "date,campaign,channel,spend,clicks\n";
    private static Path dataDir;
    private static LocalSluice sluice;
    private static ApiClient api;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-uploads");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir)
                .parameter("MaxFileBytes", Long.toString(32 * MIB))
                .parameter("MaxDecompressedBytes", Long.toString(64 * MIB))
                .parameter("MaxColumns", "20")
                .parameter("MaxFieldBytes", "4096")
                .parameter("MaxRecordsPerFile", "5000")
                .parameter("MaxUploadsPerHour", Integer.toString(MAX_UPLOADS_PER_HOUR))
                .parameter("MultipartThresholdBytes", Long.toString(8 * MIB))
                .parameter("MultipartPartBytes", Long.toString(5 * MIB))
                .parameter("UploadUrlTtlSeconds", Long.toString(URL_TTL.toSeconds()))
                .parameter("UploadExpiryMarginSeconds", "1")
                .parameter("ExpirySweepSchedule", "rate(1 second)")
                .build());
        api = new ApiClient(sluice.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        TestDirs.stop(sluice, dataDir);
    }

    // ------------------------------------------------------------------------------ the presigned PUT itself

    @Test
    void aPutThatDiffersFromWhatWasSignedIsRefusedByS3() throws Exception {
        byte[] csv = csv(10, "signed");
        JsonNode created = create("signed.csv", csv, sha256(csv), null, false);
        URI url = URI.create(created.get("uploadUrl").asText());
        Map<String, String> headers = headers(created.get("headers"));
        assertEquals(Base64Of.sha(csv), headers.get("x-amz-checksum-sha256"), "the checksum is a signed header");

        String key = created.get("key").asText();
        URI otherKey = URI.create(url.toString().replace(key.substring(key.lastIndexOf('/')), "/other.csv"));
        assertEquals(403, put(otherKey, headers, csv).statusCode(), "another key");
        byte[] longer = java.util.Arrays.copyOf(csv, csv.length + 1);
        assertEquals(403, put(url, headers, longer).statusCode(), "another size");
        Map<String, String> png = new LinkedHashMap<>(headers);
        png.put("Content-Type", "image/png");
        assertEquals(403, put(url, png, csv).statusCode(), "another content type");
        Map<String, String> noChecksum = new LinkedHashMap<>(headers);
        noChecksum.remove("x-amz-checksum-sha256");
        assertEquals(403, put(url, noChecksum, csv).statusCode(), "without the signed checksum");

        String runId = created.get("runId").asText();
        assertEquals("CREATED", api.run(runId).get("status").asText(), "nothing arrived");
        assertNothingStored(runId);
    }

    @Test
    void anotherBodyOfTheSameSizeAfterASha256NeverReachesTheDatabase() throws Exception {
        byte[] announced = csv(20, "announced");
        byte[] other = announced.clone();
        other[other.length - 3] = (byte) (other[other.length - 3] == '1' ? '2' : '1');
        JsonNode created = create("swapped.csv", announced, sha256(announced), null, false);
        // Real S3 answers 400 BadDigest here; S3Proxy 2.9.0 stores it (PresignedUploadEnforcementTest), so the
        // splitter's comparison with the announced SHA-256 is what refuses it locally.
        int status = put(URI.create(created.get("uploadUrl").asText()), headers(created.get("headers")), other)
                .statusCode();
        String runId = created.get("runId").asText();
        if (status == 200) {
            JsonNode run = api.awaitFinal(runId);
            assertFailed(run, "CHECKSUM_MISMATCH");
        } else {
            assertEquals(400, status);
        }
        assertNothingStored(runId);
    }

    // ----------------------------------------------------------------------------------- content by its bytes

    @Test
    void aPngAZipAndAPdfRenamedCsvAreNotCsv() throws Exception {
        byte[] png = bytes(new int[] {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'});
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(zip)) {
            out.putNextEntry(new java.util.zip.ZipEntry("data.csv"));
            out.write(csv(5, "zipped"));
        }
        byte[] pdf = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        for (byte[] file : List.of(png, zip.toByteArray(), pdf)) {
            String runId = api.upload("report.csv", file, null);
            JsonNode run = api.awaitFinal(runId);
            assertFailed(run, "NOT_CSV");
            assertNothingStored(runId);
        }
    }

    @Test
    void gzipIsDecompressedAndImported() throws Exception {
        byte[] plain = csv(300, "gzipped");
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(plain);
        }
        String runId = api.upload("march.csv.gz", gz.toByteArray(), null);
        JsonNode run = api.awaitFinal(runId);
        assertEquals("SUCCEEDED", run.get("status").asText(), run::toString);
        assertEquals(300, run.get("stored").asLong());
        RunInvariants.assertEveryRowAccountedFor(sluice, run);
    }

    @Test
    void aGzipBombStopsAtTheCapWithNothingStored() throws Exception {
        // ~10 GiB of zeros: gzip members of 64 MiB each, concatenated (RFC 1952 allows it; every reader follows).
        ByteArrayOutputStream member = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(member, 1 << 16)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                out.write(zeros);
            }
        }
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        for (int i = 0; i < 160; i++) {
            member.writeTo(bomb);
        }
        assertTrue(bomb.size() < 16 * MIB, "compressed it is small: " + bomb.size());
        String runId = uploadAny("bomb.csv.gz", bomb.toByteArray());
        long started = System.nanoTime();
        JsonNode run = api.awaitRun(runId, r -> ApiClient.FINAL.contains(r.path("status").asText()),
                Duration.ofSeconds(120));
        assertFailed(run, "TOO_LARGE");
        assertTrue(run.at("/failure/message").asText().contains("MAX_DECOMPRESSED_BYTES"), run::toString);
        assertNothingStored(runId);
        assertFalse(sluice.s3Client().listObjectsV2(b -> b.bucket(sluice.bucketName("UploadBucket"))
                .prefix("decompressed/")).contents().stream().anyMatch(o -> o.key().contains(runId)),
                "nothing decompressed was kept");
        System.out.println("gzip bomb of " + bomb.size() + " bytes refused in "
                + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
    }

    // ------------------------------------------------------------------------------------------------ limits

    @Test
    void aFileOverTheSizeLimitIsRefusedBeforeUpload() throws Exception {
        ObjectNode request = api.json.createObjectNode().put("fileName", "big.csv").put("contentLength", 32 * MIB + 1);
        ApiClient.Response response = api.post("uploads", request.toString());
        assertEquals(413, response.status(), response.body()::toString);
        assertLimit(response.body(), "FILE_TOO_LARGE", "MAX_FILE_BYTES", 32 * MIB, 32 * MIB + 1);
    }

    @Test
    void filesOverTheColumnFieldAndRecordLimitsFailWithNothingStored() throws Exception {
        StringBuilder wide = new StringBuilder("date,campaign,channel,spend,clicks");
        for (int i = 0; i < 16; i++) {
            wide.append(",extra").append(i);
        }
        wide.append('\n').append("2024-01-01,a,search,1,2").append(",x".repeat(16)).append('\n');
        assertRefused("wide.csv", wide.toString().getBytes(StandardCharsets.UTF_8), "TOO_MANY_COLUMNS",
                "MAX_COLUMNS");
        String longField = HEADER + "2024-01-01,\"" + "y".repeat(5000) + "\",search,1,2\n";
        assertRefused("long.csv", longField.getBytes(StandardCharsets.UTF_8), "FIELD_TOO_LONG", "MAX_FIELD_BYTES");
        assertRefused("many.csv", csv(5001, "many"), "TOO_MANY_RECORDS", "MAX_RECORDS_PER_FILE");
    }

    // ------------------------------------------------------------------------------------------- duplicates

    @Test
    void theSameFileTwiceIntoTheSameDatasetIsADuplicate() throws Exception {
        byte[] file = csv(40, "dup");
        String first = api.upload("dup.csv", file, null);
        JsonNode firstRun = api.awaitFinal(first);
        assertEquals("SUCCEEDED", firstRun.get("status").asText(), firstRun::toString);

        String second = api.upload("dup again.csv", file, null);
        JsonNode secondRun = api.awaitFinal(second);
        assertEquals("DUPLICATE", secondRun.get("status").asText(), secondRun::toString);
        assertEquals(first, secondRun.get("duplicateOf").asText());
        assertEquals(sha256(file), secondRun.get("sha256").asText());
        assertEquals(0, secondRun.get("records").asLong());
        assertNothingStored(second);

        ApiClient.Response upFront = api.post("uploads", api.json.createObjectNode().put("fileName", "dup.csv")
                .put("contentLength", file.length).put("sha256", sha256(file)).toString());
        assertEquals(409, upFront.status(), upFront.body()::toString);
        assertEquals("DUPLICATE", upFront.body().at("/error/code").asText());
        assertEquals(first, upFront.body().at("/error/duplicateOf").asText());

        JsonNode allowed = create("dup.csv", file, sha256(file), null, true);
        assertEquals(200, put(URI.create(allowed.get("uploadUrl").asText()), headers(allowed.get("headers")), file)
                .statusCode());
        JsonNode again = api.awaitFinal(allowed.get("runId").asText());
        assertEquals("SUCCEEDED", again.get("status").asText(), again::toString);
        assertEquals(40, again.get("stored").asLong());

        // Another dataset takes the same content (create asserts the 201).
        ApiClient.Response elsewhere = api.post("datasets", "{\"name\": \"elsewhere\"}");
        assertEquals(201, elsewhere.status(), elsewhere.body()::toString);
        assertFalse(create("dup.csv", file, sha256(file), elsewhere.body().get("id").asText(), false).get("runId")
                .asText().isEmpty());
    }

    // --------------------------------------------------------------------------------------------- multipart

    @Test
    void aLargeFileUploadsInPartsAndIsImported() throws Exception {
        // 4,000 records of ~2.3 KB: over the multipart threshold, within the record and field limits.
        StringBuilder wide = new StringBuilder("date,campaign,channel,spend,clicks,note\n");
        String note = "n".repeat(2300);
        for (int i = 1; i <= 4000; i++) {
            wide.append("2024-03-01,part ").append(i).append(",search,1.50,2,").append(note).append('\n');
        }
        byte[] file = wide.toString().getBytes(StandardCharsets.UTF_8);
        assertTrue(file.length > 8 * MIB && file.length < 32 * MIB, "between the threshold and the limit");
        ObjectNode request = api.json.createObjectNode().put("fileName", "big.csv").put("contentLength", file.length)
                .put("sha256", sha256(file));
        ApiClient.Response response = api.post("uploads", request.toString());
        assertEquals(201, response.status(), response.body()::toString);
        JsonNode created = response.body();
        assertTrue(created.get("multipart").asBoolean());
        assertEquals(5 * MIB, created.get("partSize").asLong());
        String runId = created.get("runId").asText();

        ApiClient.Response early = api.post("uploads/" + runId + "/complete", "{}");
        assertEquals(409, early.status(), early.body()::toString);
        assertEquals("UPLOAD_INCOMPLETE", early.body().at("/error/code").asText());

        putParts(created, file);
        ApiClient.Response done = api.post("uploads/" + runId + "/complete", "{}");
        assertEquals(200, done.status(), done.body()::toString);
        JsonNode run = api.awaitRun(runId, r -> ApiClient.FINAL.contains(r.path("status").asText()),
                Duration.ofSeconds(120));
        assertEquals("SUCCEEDED", run.get("status").asText(), run::toString);
        assertEquals(4000, run.get("stored").asLong());
        RunInvariants.assertEveryRowAccountedFor(sluice, run);
    }

    @Test
    void anAbortedMultipartUploadIsCancelledAndCannotBeCompleted() throws Exception {
        ObjectNode request = api.json.createObjectNode().put("fileName", "abandoned.csv")
                .put("contentLength", 9 * MIB);
        JsonNode created = api.post("uploads", request.toString()).body();
        String runId = created.get("runId").asText();
        ApiClient.Response aborted = api.post("uploads/" + runId + "/abort", "{}");
        assertEquals(200, aborted.status(), aborted.body()::toString);
        assertEquals("CANCELLED", aborted.body().get("status").asText());
        assertEquals("UPLOAD_ABORTED", api.run(runId).at("/failure/code").asText());
        ApiClient.Response late = api.post("uploads/" + runId + "/complete", "{}");
        assertEquals(409, late.status());
        assertEquals("UPLOAD_NOT_OPEN", late.body().at("/error/code").asText());
        assertEquals(404, api.post("uploads/no-such-run/abort", "{}").status());
    }

    @Test
    void anAbandonedMultipartUploadEndsExpiredAndItsUrlsAreRefused() throws Exception {
        byte[] file = csv(10, "abandoned");
        byte[] big = java.util.Arrays.copyOf(file, (int) (9 * MIB));
        JsonNode created = create("abandoned.csv", big, null, null, false);
        assertTrue(created.get("multipart").asBoolean());
        String runId = created.get("runId").asText();
        JsonNode first = created.get("parts").get(0);
        assertEquals(200, put(URI.create(first.get("url").asText()), Map.of(),
                java.util.Arrays.copyOf(big, first.get("size").asInt())).statusCode(), "one part, then nothing");
        JsonNode run = api.awaitRun(runId, r -> ApiClient.FINAL.contains(r.path("status").asText()),
                URL_TTL.plusSeconds(60));
        assertEquals("EXPIRED", run.get("status").asText(), run::toString);
        assertEquals("UPLOAD_EXPIRED", run.at("/failure/code").asText());
        JsonNode second = created.get("parts").get(1);
        assertEquals(403, putRefusedLarge(URI.create(second.get("url").asText()),
                java.util.Arrays.copyOfRange(big, (int) (5 * MIB), big.length)).statusCode(), "the part URL expired");
        assertEquals("UPLOAD_NOT_OPEN", api.post("uploads/" + runId + "/complete", "{}").body()
                .at("/error/code").asText());
        assertNothingStored(runId);
    }

    @Test
    void aSinglePutAfterItsUrlExpiredIsRefused() throws Exception {
        byte[] file = csv(10, "late");
        JsonNode created = create("late.csv", file, sha256(file), null, false);
        java.time.Instant expired = java.time.Instant.parse(created.get("expiresAt").asText()).plusSeconds(1);
        while (java.time.Instant.now().isBefore(expired)) {
            Thread.sleep(Math.max(1, Duration.between(java.time.Instant.now(), expired).toMillis()));
        }
        HttpResponse<String> late = put(URI.create(created.get("uploadUrl").asText()), headers(created.get("headers")),
                file);
        assertEquals(403, late.statusCode(), late::body);
        JsonNode run = api.awaitRun(created.get("runId").asText(), r -> ApiClient.FINAL.contains(
                r.path("status").asText()), Duration.ofSeconds(60));
        assertEquals("EXPIRED", run.get("status").asText(), run::toString);
        assertNothingStored(created.get("runId").asText());
    }

    // --------------------------------------------------------------------------------------- partner drops

    @Test
    void aDropForAnUnknownPartnerIsQuarantined() throws Exception {
        String key = "drop/nobody/" + System.nanoTime() + ".csv";
        sluice.s3Client().putObject(b -> b.bucket(sluice.bucketName("UploadBucket")).key(key),
                RequestBody.fromBytes(csv(10, "stranger")));
        // The run is owned by partner:nobody; its id is found in the owner index, and an admin (the local caller)
        // reads it over the API.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> ids = List.of();
        while (ids.isEmpty()) {
            ids = sluice.dynamoDbClient().query(q -> q.tableName(sluice.tableName("RunsTable"))
                    .indexName("RunsByOwner").keyConditionExpression("gsi1pk = :owner")
                    .expressionAttributeValues(Map.of(":owner", software.amazon.awssdk.services.dynamodb.model
                            .AttributeValue.fromS("OWNER#partner:nobody")))).items().stream()
                    .filter(item -> key.equals(item.get("objectKey").s())).map(item -> item.get("runId").s())
                    .toList();
            assertTrue(!ids.isEmpty() || System.nanoTime() < deadline, "no run for the unknown partner's drop");
            if (ids.isEmpty()) {
                Thread.sleep(100);
            }
        }
        assertEquals(1, ids.size());
        JsonNode run = api.awaitFinal(ids.get(0));
        assertFailed(run, "UNKNOWN_PARTNER");
        assertEquals("partner:nobody", run.get("owner").asText(), "nobody but admins sees it");
        assertNothingStored(run.get("runId").asText());
    }

    // -------------------------------------------------------------------------------------------- rate limit

    @Test
    @Order(Integer.MAX_VALUE)
    void theHourlyUploadLimitAnswers429NamingIt() throws Exception {
        ObjectNode request = api.json.createObjectNode().put("fileName", "rate.csv").put("contentLength", 10);
        ApiClient.Response response = null;
        for (int i = 0; i <= MAX_UPLOADS_PER_HOUR; i++) {
            response = api.post("uploads", request.toString());
            if (response.status() != 201) {
                break;
            }
        }
        assertEquals(429, response.status(), response.body()::toString);
        assertLimit(response.body(), "TOO_MANY_UPLOADS", "MAX_UPLOADS_PER_HOUR", MAX_UPLOADS_PER_HOUR,
                MAX_UPLOADS_PER_HOUR + 1);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void assertRefused(String name, byte[] file, String code, String limit) throws Exception {
        String runId = api.upload(name, file, null);
        JsonNode run = api.awaitFinal(runId);
        assertFailed(run, code);
        assertTrue(run.at("/failure/message").asText().contains(limit), run::toString);
        assertNothingStored(runId);
    }

    private static void assertFailed(JsonNode run, String code) {
        assertEquals("FAILED", run.get("status").asText(), run::toString);
        assertEquals(code, run.at("/failure/code").asText(), run::toString);
    }

    private static void assertLimit(JsonNode body, String code, String limit, long max, long value) {
        assertEquals(code, body.at("/error/code").asText(), body::toString);
        assertEquals(limit, body.at("/error/limit").asText(), body::toString);
        assertEquals(max, body.at("/error/max").asLong(), body::toString);
        assertEquals(value, body.at("/error/value").asLong(), body::toString);
        assertTrue(body.at("/error/message").asText().contains(limit), body::toString);
    }

    private static void assertNothingStored(String runId) throws Exception {
        assertEquals(0, RunInvariants.count(sluice, "SELECT count(*) FROM records WHERE run_id = ?", runId));
        assertEquals(0, RunInvariants.count(sluice, "SELECT count(*) FROM row_errors WHERE run_id = ?", runId));
    }

    private static JsonNode create(String name, byte[] file, String sha, String dataset, boolean allowDuplicate)
            throws Exception {
        ObjectNode request = api.json.createObjectNode().put("fileName", name).put("contentLength", file.length);
        if (sha != null) {
            request.put("sha256", sha);
        }
        if (dataset != null) {
            request.put("datasetId", dataset);
        }
        if (allowDuplicate) {
            request.put("allowDuplicate", true);
        }
        ApiClient.Response response = api.post("uploads", request.toString());
        assertEquals(201, response.status(), response.body()::toString);
        return response.body();
    }

    /** Single PUT or multipart, whichever POST /api/uploads answers. */
    private static String uploadAny(String name, byte[] file) throws Exception {
        JsonNode created = create(name, file, null, null, false);
        String runId = created.get("runId").asText();
        if (!created.get("multipart").asBoolean()) {
            assertEquals(200, put(URI.create(created.get("uploadUrl").asText()), headers(created.get("headers")),
                    file).statusCode());
            return runId;
        }
        putParts(created, file);
        ApiClient.Response done = api.post("uploads/" + runId + "/complete", "{}");
        assertEquals(200, done.status(), done.body()::toString);
        return runId;
    }

    private static void putParts(JsonNode created, byte[] file) throws Exception {
        long partSize = created.get("partSize").asLong();
        for (JsonNode part : created.get("parts")) {
            int from = (int) ((part.get("partNumber").asInt() - 1) * partSize);
            byte[] bytes = java.util.Arrays.copyOfRange(file, from, from + part.get("size").asInt());
            HttpResponse<String> stored = put(URI.create(part.get("url").asText()), headers(part.get("headers")),
                    bytes);
            assertEquals(200, stored.statusCode(), stored::body);
            assertTrue(stored.headers().firstValue("ETag").isPresent());
        }
    }

    private static Map<String, String> headers(JsonNode node) {
        Map<String, String> headers = new LinkedHashMap<>();
        node.properties().forEach(h -> headers.put(h.getKey(), h.getValue().asText()));
        return headers;
    }

    private static HttpResponse<String> put(URI url, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A PUT of a large body that the server refuses without reading it. The server answers before the megabytes on
     * their way have arrived and closes a connection with bytes unread, which resets it and can cut off the answer
     * the client is still reading (CI saw it fail mid-answer, and with {@code Expect: 100-continue} before any byte
     * of it). Such a transport failure says nothing about what the server answered, so the PUT is sent again on a
     * new connection, at most three times; the first answer that arrives whole is returned.
     */
    private static HttpResponse<String> putRefusedLarge(URI url, byte[] body) throws IOException, InterruptedException {
        IOException cut = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try (HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                return fresh.send(HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                cut = e;
            }
        }
        throw cut;
    }

    private static byte[] csv(int records, String tag) {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 1; i <= records; i++) {
            csv.append("2024-03-").append(String.format("%02d", 1 + i % 28)).append(',').append(tag).append(' ')
                    .append(i).append(",search,").append(i % 100).append(".50,").append(i % 7).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int[] values) {
        byte[] bytes = new byte[values.length + 64];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static final class Base64Of {
        static String sha(byte[] bytes) throws Exception {
            return java.util.Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
    }
}
