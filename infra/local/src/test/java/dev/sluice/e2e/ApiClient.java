package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.local.TestSignIn;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** Talks to the local gateway over real HTTP, like the web app and the CLI do, signed in (admin by default). */
final class ApiClient {
    /** At rest: final, or waiting in REVIEW (RunStatus#isAtRest); PUBLISHING is still working. */
    static final Set<String> FINAL = Set.of("SUCCEEDED", "PARTIAL", "FAILED", "DUPLICATE", "CANCELLED", "EXPIRED",
            "ROLLED_BACK", "REVIEW");

    final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI api;

    private final String token;

    ApiClient(URI baseUrl) {
        this(baseUrl, TestSignIn.ADMIN, TestSignIn.ADMIN_PASSWORD);
    }

    /** Signed in as this user. */
    ApiClient(URI baseUrl, String email, String password) {
        this.api = baseUrl.resolve("/api/");
        this.token = TestSignIn.token(baseUrl, email, password);
    }

    String token() {
        return token;
    }

    record Response(int status, JsonNode body) {
    }

    Response post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Response get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api.resolve(path)).GET().build());
    }

    Response patch(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api.resolve(path)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Response delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api.resolve(path)).DELETE().build());
    }

    private Response send(HttpRequest unsigned) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(unsigned, (name, value) -> true)
                .header("Authorization", "Bearer " + token).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body().isEmpty() ? null : json.readTree(response.body()));
    }

    /** POST /api/uploads then PUT the bytes to the presigned URL; returns the run id. */
    String upload(String fileName, byte[] bytes, Map<String, String> mapping) throws IOException, InterruptedException {
        return upload(fileName, bytes, mapping, null);
    }

    /** Into the dataset with this id (null: the caller's default dataset). */
    String upload(String fileName, byte[] bytes, Map<String, String> mapping, String datasetId)
            throws IOException, InterruptedException {
        JsonNode created = createUpload(fileName, bytes, mapping, datasetId);
        putUpload(created, bytes);
        return created.get("runId").asText();
    }

    /** POST /api/uploads only: the run is CREATED and waits for its file ({@link #putUpload}). */
    JsonNode createUpload(String fileName, byte[] bytes, Map<String, String> mapping, String datasetId)
            throws IOException, InterruptedException {
        ObjectNode request = json.createObjectNode();
        if (datasetId != null) {
            request.put("datasetId", datasetId);
        }
        request.put("fileName", fileName);
        request.put("contentLength", bytes.length);
        if (mapping != null) {
            mapping.forEach(request.putObject("mapping")::put);
        }
        Response created = post("uploads", json.writeValueAsString(request));
        assertEquals(201, created.status(), () -> "POST /api/uploads: " + created.body());
        return created.body();
    }

    /** PUTs the bytes to the presigned URL of an upload {@link #createUpload} made. */
    void putUpload(JsonNode created, byte[] bytes) throws IOException, InterruptedException {
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(created.get("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        created.get("headers").properties().forEach(h -> put.header(h.getKey(), h.getValue().asText()));
        HttpResponse<String> stored = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, stored.statusCode(), () -> "PUT presigned URL: " + stored.body());
    }

    JsonNode run(String runId) throws IOException, InterruptedException {
        Response response = get("runs/" + runId);
        assertEquals(200, response.status(), () -> "GET run: " + response.body());
        return response.body();
    }

    /** Polls the run until the condition holds or the deadline passes. */
    JsonNode awaitRun(String runId, Predicate<JsonNode> condition, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode run = run(runId);
        while (!condition.test(run)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("run " + runId + " did not reach the expected state within " + timeout
                        + "; last seen: " + run);
            }
            Thread.sleep(50);
            run = run(runId);
        }
        return run;
    }

    JsonNode awaitFinal(String runId) throws IOException, InterruptedException {
        return awaitRun(runId, r -> FINAL.contains(r.path("status").asText()), Duration.ofSeconds(90));
    }

    /** Every item of a paged listing, following nextCursor. */
    List<JsonNode> all(String path) throws IOException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            Response page = get(path + "?limit=7" + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, page.status(), () -> path + ": " + page.body());
            page.body().get("items").forEach(items::add);
            cursor = page.body().get("nextCursor").isNull() ? null : page.body().get("nextCursor").asText();
        } while (cursor != null);
        return items;
    }
}
