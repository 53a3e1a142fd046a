package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ingest --api} against a fake API that follows the upload contract. */
class IngestCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger polls = new AtomicInteger();
    private volatile byte[] uploaded = new byte[0];
    private volatile String uploadContentType;
    private volatile JsonNode uploadRequest;
    private volatile boolean rejectUploads;
    private volatile boolean failRuns;
    private volatile boolean duplicate;
    private volatile boolean multipart;
    /** Part 2 answers this status this many times before it is stored. */
    private volatile int partTwoStatus = 503;
    private volatile int partTwoFailures;
    private final AtomicInteger partTwoAttempts = new AtomicInteger();
    private final Map<Integer, byte[]> parts = new ConcurrentHashMap<>();
    private volatile JsonNode completeRequest;
    private final AtomicInteger aborts = new AtomicInteger();
    /** The Authorization header of each request, by method and path ("none" when absent). */
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    /** The fake API's datasets by name, as JSON. */
    private final Map<String, String> datasets = new ConcurrentHashMap<>();

    @BeforeEach
    void startFakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            byte[] body = exchange.getRequestBody().readAllBytes();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(exchange.getRequestMethod() + " " + path + " " + (authorization == null ? "none"
                    : authorization));
            switch (exchange.getRequestMethod() + " " + path) {
                case "POST /api/auth/login" -> {
                    JsonNode login = JSON.readTree(body);
                    boolean admin = login.path("username").asText().equals("admin@example.com")
                            && login.path("password").asText().equals("adminpassword");
                    boolean demo = login.path("username").asText().equals("demo@example.com")
                            && login.path("password").asText().equals("demo123");
                    if (admin || demo) {
                        reply(exchange, 200, "{\"token\":\"tok-" + login.path("username").asText()
                                + "\",\"expiresAt\":\"2030-01-01T00:00:00Z\"}");
                    } else {
                        reply(exchange, 401, "{\"error\":{\"code\":\"INVALID_CREDENTIALS\","
                                + "\"message\":\"Wrong e-mail or password\"}}");
                    }
                }
                case "GET /api/datasets" -> reply(exchange, 200, "{\"datasets\": [" + String.join(",",
                        datasets.values()) + "]}");
                case "POST /api/datasets" -> {
                    String name = JSON.readTree(body).path("name").asText();
                    String dataset = "{\"id\": \"ds_" + name + "\", \"name\": \"" + name + "\", \"kind\": \""
                            + JSON.readTree(body).path("kind").asText() + "\"}";
                    datasets.put(name, dataset);
                    reply(exchange, 201, dataset);
                }
                case "POST /api/uploads" -> {
                    if (rejectUploads) {
                        reply(exchange, 413, "{\"error\":{\"code\":\"FILE_TOO_LARGE\","
                                + "\"message\":\"File 'x.csv' is over the limit\"}}");
                        return;
                    }
                    uploadRequest = JSON.readTree(body);
                    if (duplicate && !uploadRequest.path("allowDuplicate").asBoolean(false)) {
                        reply(exchange, 409, "{\"error\":{\"code\":\"DUPLICATE\",\"message\":\"already imported\","
                                + "\"duplicateOf\":\"run-0\"}}");
                        return;
                    }
                    if (multipart) {
                        long length = uploadRequest.path("contentLength").asLong();
                        StringBuilder list = new StringBuilder();
                        for (int n = 1; n <= 3; n++) {
                            long size = n < 3 ? 4 : length - 8;
                            list.append(n > 1 ? "," : "").append("{\"partNumber\":").append(n).append(",\"url\":\"")
                                    .append(base).append("/bucket/part/").append(n).append("?X-Amz-Signature=p\",")
                                    .append("\"size\":").append(size).append(",\"headers\":{\"x-part\":\"")
                                    .append(n).append("\"}}");
                        }
                        reply(exchange, 201, "{\"runId\":\"run-1\",\"multipart\":true,\"method\":\"PUT\","
                                + "\"headers\":{},\"uploadId\":\"u1\",\"partSize\":4,\"partCount\":3,\"parts\":["
                                + list + "],\"completeUrl\":\"/api/uploads/run-1/complete\","
                                + "\"abortUrl\":\"/api/uploads/run-1/abort\"}");
                        return;
                    }
                    reply(exchange, 201, "{\"runId\":\"run-1\",\"uploadUrl\":\"" + base
                            + "/bucket/uploads/run-1/x.csv?X-Amz-Signature=abc\","
                            + "\"method\":\"PUT\",\"headers\":{\"Content-Type\":\"text/csv\"},"
                            + "\"expiresAt\":\"2030-01-01T00:00:00Z\"}");
                }
                case "PUT /bucket/uploads/run-1/x.csv" -> {
                    uploaded = body;
                    uploadContentType = exchange.getRequestHeaders().getFirst("Content-Type");
                    reply(exchange, 200, "");
                }
                case "PUT /bucket/part/1", "PUT /bucket/part/2", "PUT /bucket/part/3" -> {
                    int n = Integer.parseInt(path.substring(path.length() - 1));
                    if (!String.valueOf(n).equals(exchange.getRequestHeaders().getFirst("x-part"))) {
                        reply(exchange, 400, "part headers missing");
                        return;
                    }
                    if (n == 2 && partTwoAttempts.incrementAndGet() <= partTwoFailures) {
                        if (partTwoStatus == 0) {
                            // Closing without an answer is what the client sees of a dropped connection.
                            exchange.close();
                            return;
                        }
                        reply(exchange, partTwoStatus, "<Error><Code>Nope</Code></Error>");
                        return;
                    }
                    parts.put(n, body);
                    exchange.getResponseHeaders().add("ETag", "\"etag-" + n + "\"");
                    reply(exchange, 200, "");
                }
                case "POST /api/uploads/run-1/complete" -> {
                    completeRequest = JSON.readTree(body);
                    reply(exchange, 200, "{\"runId\":\"run-1\",\"status\":\"CREATED\"}");
                }
                case "POST /api/uploads/run-1/abort" -> {
                    aborts.incrementAndGet();
                    reply(exchange, 200, "{\"runId\":\"run-1\",\"status\":\"CANCELLED\"}");
                }
                case "GET /api/runs/run-1" -> {
                    if (failRuns) {
                        reply(exchange, 200, "{\"runId\":\"run-1\",\"status\":\"FAILED\",\"records\":0,\"stored\":0,"
                                + "\"errors\":0,\"failure\":{\"code\":\"MISSING_COLUMNS\","
                                + "\"message\":\"x.csv has no column for"
                                + " channel\"}}");
                        return;
                    }
                    String status = polls.incrementAndGet() < 3 ? "LOADING" : "PARTIAL";
                    reply(exchange, 200, "{\"runId\":\"run-1\",\"status\":\"" + status
                            + "\",\"records\":9,\"stored\":2,\"errors\":7,"
                            + "\"chunksTotal\":1,\"chunksDone\":1,\"chunksDead\":0,\"failure\":null}");
                }
                case "GET /api/runs/run-1/errors" -> reply(exchange, 200,
                        "{\"items\":[{\"record\":2,\"line\":3,\"code\":\"INVALID_DATE\","
                                + "\"message\":\"record 2 (line 3): bad date\"}]}");
                default -> reply(exchange, 404, "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no\"}}");
            }
        });
        server.start();
    }

    @AfterEach
    void stopFakeApi() {
        server.stop(0);
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private record Result(int exitCode, String out, String err) {
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    private Result ingest(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] argv = new String[args.length + 1];
        argv[0] = "ingest";
        System.arraycopy(args, 0, argv, 1, args.length);
        int code = SluiceLocal.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String api() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @Test
    void uploadsPollsAndPrintsTheFinalRunAsTheLastJsonLine() throws Exception {
        Path file = Files.writeString(dir.resolve("x.csv"), "date,amount\n2024-01-01,1\nnope,2\n2024-01-03,3\n");
        Result result = ingest(file.toString(), "--api", api(), "--dataset", "sales", "--mapping",
                "date=Day,spend=Total", "--json");
        assertEquals(0, result.exitCode(), result.err());
        JsonNode run = JSON.readTree(result.lastLine());
        assertEquals("PARTIAL", run.get("status").asText());
        assertEquals(3, polls.get(), "polled until a final status");
        assertEquals("ds_sales", uploadRequest.get("datasetId").asText(), "--dataset names the caller's dataset");
        assertTrue(datasets.get("sales").contains("\"kind\": \"marketing\""), datasets::toString);
        assertEquals("x.csv", uploadRequest.get("fileName").asText());
        assertEquals(Files.size(file), uploadRequest.get("contentLength").asLong());
        assertEquals("text/csv", uploadRequest.get("contentType").asText());
        assertEquals("Day", uploadRequest.get("mapping").get("date").asText());
        assertEquals("Total", uploadRequest.get("mapping").get("spend").asText());
        assertEquals(Files.readString(file), new String(uploaded, StandardCharsets.UTF_8));
        assertEquals("text/csv", uploadContentType, "the returned headers are sent with the PUT");
        assertTrue(result.err().contains("INVALID_DATE: record 2 (line 3): bad date"), result.err());
        assertTrue(requests.contains("GET /api/runs/run-1/errors?limit=5"), requests.toString());
        assertTrue(result.err().contains("... and 6 more row errors: GET " + api() + "api/runs/run-1/errors"),
                result.err());
        // Signed in as the default admin; the token goes with every API call and never to storage.
        assertEquals("POST /api/auth/login none", authorizations.getFirst());
        for (String call : authorizations.subList(1, authorizations.size())) {
            String expected = call.startsWith("PUT /bucket/") ? "none" : "Bearer tok-admin@example.com";
            assertTrue(call.endsWith(" " + expected), () -> call + " in " + authorizations);
        }
    }

    @Test
    void signsInAsTheGivenUserAndRefusesWrongCredentials() throws Exception {
        Path file = Files.writeString(dir.resolve("x.csv"), "h\n1\n");
        Result demo = ingest(file.toString(), "--api", api(), "--user", "demo@example.com:demo123");
        assertEquals(0, demo.exitCode(), demo.err());
        assertTrue(authorizations.contains("POST /api/uploads Bearer tok-demo@example.com"), authorizations::toString);

        Result wrong = ingest(file.toString(), "--api", api(), "--user", "demo@example.com:guess");
        assertEquals(2, wrong.exitCode());
        assertTrue(wrong.err().contains("sign-in as demo@example.com refused: Wrong e-mail or password"), wrong.err());
        assertTrue(!wrong.err().contains("guess"), "the password is never printed: " + wrong.err());
    }

    @Test
    void aFailedRunPrintsItsFailureCodeAndMessage() throws Exception {
        failRuns = true;
        Path file = Files.writeString(dir.resolve("x.csv"), "date,campaign\n2024-01-01,a\n");
        Result result = ingest(file.toString(), "--api", api());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("FAILED"), result.out());
        assertTrue(result.out().contains("  MISSING_COLUMNS: x.csv has no column for channel"), result.out());
    }

    @Test
    void severalFilesGiveOneRunsObject() throws Exception {
        Path a = Files.writeString(dir.resolve("a.csv"), "h\n1\n");
        Path b = Files.writeString(dir.resolve("b.csv"), "h\n2\n");
        Result result = ingest(a.toString(), b.toString(), "--api", api(), "--json");
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(2, JSON.readTree(result.lastLine()).get("runs").size());
    }

    @Test
    void rejectedUploadExitsTwoWithTheApiMessage() throws Exception {
        rejectUploads = true;
        Path file = Files.writeString(dir.resolve("x.csv"), "h\n1\n");
        Result result = ingest(file.toString(), "--api", api());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("File 'x.csv' is over the limit"), result.err());
    }

    @Test
    void missingFileOrUnreachableApiExitTwo() throws Exception {
        assertEquals(2, ingest(dir.resolve("missing.csv").toString(), "--api", api()).exitCode());
        Path file = Files.writeString(dir.resolve("x.csv"), "h\n1\n");
        server.stop(0);
        Result result = ingest(file.toString(), "--api", api());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("cannot reach"), result.err());
    }

    @Test
    void sendsTheFilesSha256AndStopsOnADuplicateUnlessAllowed() throws Exception {
        duplicate = true;
        Path file = Files.writeString(dir.resolve("x.csv"), "h\n1\n");
        Result refused = ingest(file.toString(), "--api", api(), "--dataset", "sales");
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().contains("DUPLICATE: the same bytes were already imported into dataset sales by run"
                + " run-0; add --allow-duplicate to import them again"), refused.err());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))),
                uploadRequest.get("sha256").asText());
        assertTrue(requests.stream().noneMatch(request -> request.startsWith("PUT ")), requests::toString);

        Result allowed = ingest(file.toString(), "--api", api(), "--dataset", "sales", "--allow-duplicate");
        assertEquals(0, allowed.exitCode(), allowed.err());
        assertTrue(uploadRequest.get("allowDuplicate").asBoolean(), uploadRequest::toString);
        assertEquals(1, requests.stream().filter("POST /api/datasets"::equals).count(),
                "the second ingest found the dataset the first one created: " + requests);
        assertEquals("ds_sales", uploadRequest.get("datasetId").asText());
    }

    @Test
    void multipartRetriesAFailingPartAndCompletesWithEveryEtag() throws Exception {
        multipart = true;
        partTwoFailures = 2;
        Path file = Files.writeString(dir.resolve("x.csv"), "date,amount\n2024-01-01,1\n");
        Result result = ingest(file.toString(), "--api", api());
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(3, partTwoAttempts.get(), "two 503s, then stored");
        assertTrue(result.out().contains(
                "x.csv: part 2/3: HTTP 503 <Error><Code>Nope</Code></Error>; retrying in 1.0 s"), result.out());
        String stored = new String(parts.get(1), StandardCharsets.UTF_8)
                + new String(parts.get(2), StandardCharsets.UTF_8) + new String(parts.get(3), StandardCharsets.UTF_8);
        assertEquals(Files.readString(file), stored, "each part is its byte range");
        JsonNode completed = completeRequest.get("parts");
        assertEquals(3, completed.size(), completeRequest::toString);
        for (int n = 1; n <= 3; n++) {
            assertEquals(n, completed.get(n - 1).get("partNumber").asInt(), completeRequest::toString);
            assertEquals("\"etag-" + n + "\"", completed.get(n - 1).get("etag").asText(), "the ETag as stored");
        }
        assertEquals(0, aborts.get());
        assertTrue(result.out().contains("x.csv: part 3/3 uploaded"), result.out());
        assertTrue(authorizations.contains("POST /api/uploads/run-1/complete Bearer tok-admin@example.com"),
                authorizations::toString);
        assertTrue(authorizations.stream().filter(call -> call.startsWith("PUT /bucket/"))
                .allMatch(call -> call.endsWith(" none")), authorizations::toString);
    }

    @Test
    void aRefusedPartIsNotRetriedAndAbortsTheUpload() throws Exception {
        multipart = true;
        partTwoStatus = 403;
        partTwoFailures = 10;
        Path file = Files.writeString(dir.resolve("x.csv"), "date,amount\n2024-01-01,1\n");
        Result result = ingest(file.toString(), "--api", api());
        assertEquals(2, result.exitCode(), result.err());
        assertEquals(1, partTwoAttempts.get(), "a 4xx is final");
        assertEquals(1, aborts.get());
        assertTrue(result.err().contains("x.csv: storage refused part 2 of 3: HTTP 403"), result.err());
        assertTrue(result.err().contains("upload aborted (run run-1 CANCELLED)"), result.err());
        assertEquals(null, completeRequest);
    }

    @Test
    void aPartFailingEveryRetryAbortsTheUpload() throws Exception {
        multipart = true;
        partTwoFailures = 10;
        Path file = Files.writeString(dir.resolve("x.csv"), "date,amount\n2024-01-01,1\n");
        Result result = ingest(file.toString(), "--api", api());
        assertEquals(2, result.exitCode(), result.err());
        assertEquals(4, partTwoAttempts.get(), "the first attempt and three retries");
        assertEquals(1, aborts.get());
        assertTrue(result.err().contains("x.csv: part 2 of 3 failed after 4 attempts: HTTP 503"), result.err());
    }

    @Test
    void aDroppedConnectionIsRetriedToo() throws Exception {
        multipart = true;
        partTwoStatus = 0;
        partTwoFailures = 1;
        Path file = Files.writeString(dir.resolve("x.csv"), "date,amount\n2024-01-01,1\n");
        Result result = ingest(file.toString(), "--api", api());
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(2, partTwoAttempts.get(), "dropped once, then stored");
        assertTrue(result.out().contains("x.csv: part 2/3: ") && result.out().contains("; retrying in 0.5 s"),
                result.out());
        assertEquals(3, completeRequest.get("parts").size(), completeRequest::toString);
    }
}
