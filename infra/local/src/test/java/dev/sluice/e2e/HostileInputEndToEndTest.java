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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PutObjectPresignRequest;

/**
 * Hostile and broken input through the running local stack over real HTTP (issue 7, items 1, 5 and 6): text
 * PostgreSQL refuses, a UTF-8 file with a bad byte early on, and requests that used to crash the API or the store.
 */
class HostileInputEndToEndTest {
    private static final List<String> RUN_IDS = new ArrayList<>();
    private static Path dataDir;
    private static LocalSluice sluice;
    private static ApiClient api;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-hostile");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir).build());
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

    // ------------------------------------------------------------------------------------ item 1: NUL in text

    @Test
    void aNulInsideAValuePastTheFirstMebibyteRejectsOnlyItsRecord() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes("date,campaign,channel,spend,clicks,conversions,impressions\n"
                .getBytes(StandardCharsets.UTF_8));
        for (int i = 1; i <= 40_000; i++) {
            file.writeBytes(("2024-02-04,campaign " + i + ",search,12.50,2,3,4\n").getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(file.size() > 1 << 20, "the NUL comes after the splitter's first MiB");
        file.writeBytes("2024-02-04,x,search,1\u00005,2,3,4\n".getBytes(StandardCharsets.UTF_8));

        long started = System.nanoTime();
        String runId = api.upload("nul.csv", file.toByteArray(), null);
        RUN_IDS.add(runId);
        JsonNode run = api.awaitRun(runId, r -> ApiClient.FINAL.contains(r.path("status").asText()),
                Duration.ofSeconds(60));
        assertEquals("PARTIAL", run.get("status").asText(), run::toString);
        assertEquals(40_001, run.get("records").asLong());
        assertEquals(40_000, run.get("stored").asLong());
        assertEquals(1, run.get("errors").asLong());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 60, "finished in seconds, no retries");

        List<JsonNode> errors = api.all("runs/" + runId + "/errors");
        assertEquals(1, errors.size());
        JsonNode error = errors.get(0);
        assertEquals(40_001, error.get("record").asLong());
        assertEquals("INVALID_NUMBER", error.get("code").asText());
        assertTrue(error.get("message").asText()
                .startsWith("record 40001 (line 40002), column \"spend\": spend '1\uFFFD5' is not a number"),
                error::toString);
        assertEquals("1\uFFFD5", error.get("raw").asText());
    }

    @Test
    void aNulInACampaignOrAnUnmappedColumnIsARowErrorNamingTheRecord() throws Exception {
        // A NUL in the first MiB makes the whole file binary (UNREADABLE_FILE); these come after it.
        StringBuilder csv = new StringBuilder("date,campaign,channel,spend,note\n");
        for (int i = 1; i <= 25_000; i++) {
            csv.append("2024-02-04,campaign ").append(i).append(",search,1.25,a note\n");
        }
        csv.append("2024-02-04,Spring\u0000Sale,search,1,a\n")
                .append("2024-02-04,Spring,search,1,n\u0000ote\n")
                .append("2024-02-04,Spring,search,1,fine\n");
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        assertTrue(bytes.length > 1 << 20);
        String runId = api.upload("nul-text.csv", bytes, null);
        RUN_IDS.add(runId);
        JsonNode run = api.awaitFinal(runId);
        assertEquals("PARTIAL", run.get("status").asText(), run::toString);
        assertEquals(25_001, run.get("stored").asLong());
        List<JsonNode> errors = api.all("runs/" + runId + "/errors");
        assertEquals(List.of("INVALID_TEXT", "INVALID_TEXT"),
                errors.stream().map(e -> e.get("code").asText()).toList());
        assertEquals("campaign", errors.get(0).get("column").asText());
        assertEquals("note", errors.get(1).get("column").asText());
        assertTrue(errors.get(0).get("message").asText().startsWith("record 25001 (line 25002), column \"campaign\": "
                + "the value \"Spring\uFFFDSale\" contains a NUL character"), errors.get(0)::toString);
    }

    // --------------------------------------------------------------------- item 5: a bad byte in a UTF-8 file

    @Test
    void aUtf8FileWithABadByteEarlyOnIsReadAsUtf8AndOnlyThatRecordIsRejected() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes("Date,Campaign,Channel,Spend\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 1; i <= 1000; i++) {
            if (i == 3) {
                file.writeBytes("2024-03-01,Caf".getBytes(StandardCharsets.UTF_8));
                file.write(0xE9); // a windows-1252 é pasted into a UTF-8 file
                file.writeBytes(",google,1.50\n".getBytes(StandardCharsets.UTF_8));
            } else {
                file.writeBytes(("2024-03-01,café " + i + ",google,1.50\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        String runId = api.upload("bad-byte.csv", file.toByteArray(), null);
        RUN_IDS.add(runId);
        JsonNode run = api.awaitFinal(runId);
        assertEquals("PARTIAL", run.get("status").asText(), run::toString);
        assertEquals("UTF-8", run.get("file").get("encoding").asText());
        assertEquals(999, run.get("stored").asLong());
        List<JsonNode> errors = api.all("runs/" + runId + "/errors");
        assertEquals(1, errors.size());
        assertEquals("ENCODING", errors.get(0).get("code").asText());
        assertEquals(3, errors.get(0).get("record").asLong());
        assertTrue(errors.get(0).get("message").asText().startsWith("record 3 (line 4) contains byte 0xE9"),
                errors.get(0)::toString);
        ApiClient.Response records = api.get("runs/" + runId + "/records?limit=1000");
        assertEquals(999, records.body().get("items").size());
        for (JsonNode record : records.body().get("items")) {
            assertEquals("café " + record.get("record").asLong(), record.get("campaign").asText(),
                    "every other record keeps its text");
        }
    }

    // ------------------------------------------------------------------------- item 6: requests that crashed

    @Test
    void aDeeplyNestedBodyIsRefusedWithAClearCode() throws Exception {
        ApiClient.Response nested = api.post("uploads", "[".repeat(100_000) + "]".repeat(100_000));
        assertEquals(400, nested.status(), nested::toString);
        assertEquals("JSON_TOO_COMPLEX", nested.body().get("error").get("code").asText());
        ApiClient.Response nestedObject = api.post("uploads",
                "{\"fileName\": \"a.csv\", \"mapping\": " + "{\"a\": ".repeat(5_000) + "1" + "}".repeat(5_001));
        assertEquals(400, nestedObject.status(), nestedObject::toString);
        assertEquals("JSON_TOO_COMPLEX", nestedObject.body().get("error").get("code").asText());

        ApiClient.Response huge = api.post("uploads", "{\"fileName\": \"" + "a".repeat(2 << 20) + "\"}");
        assertEquals(413, huge.status(), () -> String.valueOf(huge.status()));
        assertEquals("REQUEST_TOO_LARGE", huge.body().get("error").get("code").asText());
        assertSafe(nested, nestedObject, huge);
    }

    @Test
    void longUnicodeFileNamesUploadAndTheRunKeepsTheOriginalName() throws Exception {
        String cyrillic = "Отчёт".repeat(32) + ".csv";        // 160 letters: 324 bytes of UTF-8
        String emoji = "📈".repeat(60) + ".csv";               // 244 bytes
        String mixed = "résumé ".repeat(36).strip() + ".csv";  // 255 characters
        for (String name : List.of(cyrillic, emoji, mixed)) {
            byte[] csv = "date,campaign,channel\n2024-03-01,A,google\n".getBytes(StandardCharsets.UTF_8);
            ObjectNode request = api.json.createObjectNode();
            request.put("fileName", name);
            request.put("contentLength", csv.length);
            // The same bytes under three names: duplicates of each other unless allowed (issue 11).
            request.put("allowDuplicate", true);
            ApiClient.Response created = api.post("uploads", api.json.writeValueAsString(request));
            assertEquals(201, created.status(), created::toString);
            String key = created.body().get("key").asText();
            String segment = key.substring(key.lastIndexOf('/') + 1);
            assertTrue(segment.getBytes(StandardCharsets.UTF_8).length <= 128, key);
            assertTrue(key.getBytes(StandardCharsets.UTF_8).length <= 1024, key);
            assertTrue(segment.endsWith(".csv"), key);

            HttpResponse<String> put = put(created.body(), csv);
            assertEquals(200, put.statusCode(), put::body);
            String runId = created.body().get("runId").asText();
            RUN_IDS.add(runId);
            JsonNode run = api.awaitFinal(runId);
            assertEquals("SUCCEEDED", run.get("status").asText(), run::toString);
            assertEquals(name, run.get("fileName").asText(), "the API shows the name the user gave");
        }
    }

    @Test
    void theS3EmulatorAnswersAKeyItCannotStoreWithoutItsPath() throws Exception {
        // 254 bytes in one segment: S3 takes it, the local file system cannot (its temporary file adds 37 bytes).
        String key = "drop/acme/" + "Отчёт".repeat(25) + ".csv";
        try (S3Presigner presigner = S3Presigner.builder().region(Region.US_EAST_1)
                .endpointOverride(sluice.s3Endpoint())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("sluicelocal", "sluice-local-secret")))
                .build()) {
            URI url = presigner.presignPutObject(PutObjectPresignRequest.builder()
                    .signatureDuration(Duration.ofMinutes(5))
                    .putObjectRequest(PutObjectRequest.builder().bucket(sluice.bucketName("UploadBucket")).key(key)
                            .build())
                    .build()).url().toURI();
            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(url)
                    .PUT(HttpRequest.BodyPublishers.ofString("date,campaign,channel\n2024-03-01,A,g\n")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, refused.statusCode(), refused::body);
            assertTrue(refused.body().contains("<Code>InvalidArgument</Code>")
                    && refused.body().contains("Request id "), refused::body);
            assertFalse(refused.body().contains(dataDir.toString()) || refused.body().contains("Exception")
                    || refused.body().contains("/tmp") || refused.body().contains("at org."),
                    () -> "no path or exception text: " + refused.body());
        }
    }

    @Test
    void aContentTypeMustBeAMediaType() throws Exception {
        for (String bad : List.of("text/html\r\nX-Evil: 1", "text/csv\nX: y", "csv", "text/csv; charset", "text/ csv",
                "text/csv; a=\"b\r\n\"", "x/" + "y".repeat(300))) {
            ObjectNode request = api.json.createObjectNode();
            request.put("fileName", "a.csv");
            request.put("contentLength", 10);
            request.put("contentType", bad);
            ApiClient.Response response = api.post("uploads", api.json.writeValueAsString(request));
            assertEquals(400, response.status(), () -> bad + ": " + response);
            assertTrue(response.body().get("error").get("message").asText().startsWith("'contentType' must be a media "
                    + "type"), response::toString);
        }
        ObjectNode request = api.json.createObjectNode();
        request.put("fileName", "a.csv");
        request.put("contentLength", 10);
        request.put("contentType", "text/csv; charset=\"utf-8\"");
        ApiClient.Response created = api.post("uploads", api.json.writeValueAsString(request));
        assertEquals(201, created.status(), created::toString);
        assertEquals("text/csv; charset=\"utf-8\"", created.body().get("headers").get("Content-Type").asText());
    }

    @Test
    void aContentLengthMustBeAWholeNumberOfBytes() throws Exception {
        for (String length : List.of("\"123\"", "12.5", "1e3", "true", "[10]")) {
            ApiClient.Response response = api.post("uploads", "{\"fileName\": \"a.csv\", \"contentLength\": "
                    + length + "}");
            assertEquals(400, response.status(), () -> length + ": " + response);
            assertEquals("'contentLength' must be a whole number of bytes, such as 12345",
                    response.body().get("error").get("message").asText());
        }
        ApiClient.Response missing = api.post("uploads", "{\"fileName\": \"a.csv\"}");
        assertEquals("'contentLength' is required: the file size in bytes",
                missing.body().get("error").get("message").asText());
        ApiClient.Response beyondLong = api.post("uploads",
                "{\"fileName\": \"a.csv\", \"contentLength\": 99999999999999999999999}");
        assertEquals(413, beyondLong.status(), beyondLong::toString);
    }

    private static HttpResponse<String> put(JsonNode created, byte[] bytes) throws Exception {
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(created.get("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        created.get("headers").properties().forEach(h -> put.header(h.getKey(), h.getValue().asText()));
        return HTTP.send(put.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertSafe(ApiClient.Response... responses) {
        for (ApiClient.Response response : responses) {
            String body = String.valueOf(response.body());
            assertFalse(body.contains("Exception") || body.contains("dev.sluice") || body.contains("jackson")
                    || body.contains(dataDir.toString()), () -> "nothing internal: " + body);
        }
    }

    private static long count(String sql, String runId) throws Exception {
        return RunInvariants.count(sluice, sql, runId);
    }
}
