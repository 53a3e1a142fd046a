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
import java.util.List;
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
    /** The Authorization header of each request, by method and path ("none" when absent). */
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

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
                case "POST /api/uploads" -> {
                    if (rejectUploads) {
                        reply(exchange, 413, "{\"error\":{\"code\":\"FILE_TOO_LARGE\",\"message\":\"File 'x.csv' is over the limit\"}}");
                        return;
                    }
                    uploadRequest = JSON.readTree(body);
                    reply(exchange, 201, "{\"runId\":\"run-1\",\"uploadUrl\":\"" + base + "/bucket/uploads/run-1/x.csv?X-Amz-Signature=abc\","
                            + "\"method\":\"PUT\",\"headers\":{\"Content-Type\":\"text/csv\"},\"expiresAt\":\"2030-01-01T00:00:00Z\"}");
                }
                case "PUT /bucket/uploads/run-1/x.csv" -> {
                    uploaded = body;
                    uploadContentType = exchange.getRequestHeaders().getFirst("Content-Type");
                    reply(exchange, 200, "");
                }
                case "GET /api/runs/run-1" -> {
                    if (failRuns) {
                        reply(exchange, 200, "{\"runId\":\"run-1\",\"status\":\"FAILED\",\"records\":0,\"stored\":0,"
                                + "\"errors\":0,\"failure\":{\"code\":\"MISSING_COLUMNS\",\"message\":\"x.csv has no column for"
                                + " channel\"}}");
                        return;
                    }
                    String status = polls.incrementAndGet() < 3 ? "LOADING" : "PARTIAL";
                    reply(exchange, 200, "{\"runId\":\"run-1\",\"status\":\"" + status + "\",\"records\":9,\"stored\":2,\"errors\":7,"
                            + "\"chunksTotal\":1,\"chunksDone\":1,\"chunksDead\":0,\"failure\":null}");
                }
                case "GET /api/runs/run-1/errors" -> reply(exchange, 200,
                        "{\"items\":[{\"record\":2,\"line\":3,\"code\":\"INVALID_DATE\",\"message\":\"record 2 (line 3): bad date\"}]}");
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
        int code = SluiceLocal.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String api() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @Test
    void uploadsPollsAndPrintsTheFinalRunAsTheLastJsonLine() throws Exception {
        Path file = Files.writeString(dir.resolve("x.csv"), "date,amount\n2024-01-01,1\nnope,2\n2024-01-03,3\n");
        Result result = ingest(file.toString(), "--api", api(), "--dataset", "sales", "--mapping", "date=Day,spend=Total", "--json");
        assertEquals(0, result.exitCode(), result.err());
        JsonNode run = JSON.readTree(result.lastLine());
        assertEquals("PARTIAL", run.get("status").asText());
        assertEquals(3, polls.get(), "polled until a final status");
        assertEquals("sales", uploadRequest.get("datasetId").asText());
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
}
