package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import dev.sluice.local.TestSignIn;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, sources, through the running local stack over real HTTP: a json-api source with an auth header on a
 * server on the loopback interface is created, pulled (the pull becomes a run of its dataset, source "pull"), pulled
 * again for only the new records, refused for a private address, and its header value is never answered, logged or
 * stored in plain text.
 */
class SourcesEndToEndTest {
    private static final String SECRET = "Bearer e2e-sekrit-7f3a9c";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Map<String, Object>> items = new CopyOnWriteArrayList<>();
    private final List<String> authSeen = new CopyOnWriteArrayList<>();

    @Test
    void aSourceIsPulledIncrementallyIntoItsDatasetWithItsSecretNeverShown() throws Exception {
        Path dataDir = Files.createTempDirectory("sluice-sources-e2e");
        Path keyDir = Files.createTempDirectory("sluice-sources-key");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/items", this::items);
        server.start();
        List<String> answers = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            items.add(Map.of("id", i, "updated_at", "2026-03-0" + i + "T10:00:00Z", "name", "item " + i));
        }
        try (FunctionsLog logs = FunctionsLog.start();
                LocalSluice sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir)
                        .secretKeyFile(keyDir.resolve("secret.key")).build())) {
            ApiClient demo = new ApiClient(sluice.baseUrl(), TestSignIn.DEMO, TestSignIn.DEMO_PASSWORD);
            ApiClient.Response dataset = demo.post("datasets", "{\"name\": \"pulled\", \"kind\": \"raw\"}");
            assertEquals(201, dataset.status(), dataset.body()::toString);
            String datasetId = dataset.body().get("id").asText();
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/items";

            ApiClient.Response created = demo.post("datasets/" + datasetId + "/sources", JSON.writeValueAsString(
                    Map.of("kind", "json-api", "url", url, "cursorField", "updated_at", "recordsPath", "data",
                            "pagination", Map.of("type", "cursor", "param", "after", "nextPath", "next"),
                            "since", "since={checkpoint}", "headers", Map.of("Authorization", SECRET))));
            answers.add(created.body().toString());
            assertEquals(201, created.status(), created.body()::toString);
            assertEquals("***", created.body().at("/headers/Authorization").asText());
            String sourceId = created.body().get("id").asText();
            ApiClient.Response listed = demo.get("datasets/" + datasetId + "/sources");
            answers.add(listed.body().toString());
            assertEquals(sourceId, listed.body().at("/items/0/id").asText());

            JsonNode first = pull(demo, sourceId, answers);
            JsonNode run = demo.awaitFinal(first.get("runId").asText());
            assertEquals("SUCCEEDED", run.get("status").asText(), run::toString);
            assertEquals(5, run.get("records").asLong());
            assertEquals("pull", run.get("source").asText());
            assertEquals(sourceId, run.get("sourceId").asText());
            assertEquals(datasetId, run.get("datasetId").asText());

            items.add(Map.of("id", 6, "updated_at", "2026-03-06T10:00:00Z", "name", "item 6"));
            items.add(Map.of("id", 7, "updated_at", "2026-03-07T10:00:00Z", "name", "item 7"));
            JsonNode second = pull(demo, sourceId, answers);
            JsonNode secondRun = demo.awaitFinal(second.get("runId").asText());
            assertEquals(2, secondRun.get("records").asLong(), "only the new records: " + secondRun);

            JsonNode nothing = pull(demo, sourceId, answers);
            assertTrue(nothing.get("runId").isNull(), nothing::toString);

            ApiClient.Response history = demo.get("sources/" + sourceId + "/pulls");
            answers.add(history.body().toString());
            assertEquals(200, history.status());
            assertEquals(List.of("nothing-new", "done", "done"), Stream.of(0, 1, 2)
                    .map(i -> history.body().at("/items/" + i + "/status").asText()).toList(),
                    history.body()::toString);
            assertEquals("2026-03-05T10:00:00Z", history.body().at("/items/1/checkpointBefore/cursor").asText());
            assertEquals("2026-03-07T10:00:00Z", history.body().at("/items/1/checkpointAfter/cursor").asText());

            ApiClient.Response privateUrl = demo.patch("sources/" + sourceId, "{\"url\": \"http://10.0.0.1/items\"}");
            assertEquals(200, privateUrl.status(), privateUrl.body()::toString);
            JsonNode refused = pull(demo, sourceId, answers);
            assertTrue(refused.get("runId").isNull());
            assertEquals("failed", refused.at("/pull/status").asText(), refused::toString);
            assertTrue(refused.at("/pull/error").asText().contains("refused"), refused::toString);

            ApiClient other = new ApiClient(sluice.baseUrl());
            assertEquals(200, other.get("sources/" + sourceId).status(), "admins see every source");
            ApiClient.Response deleted = demo.delete("sources/" + sourceId);
            assertEquals(204, deleted.status());
            assertEquals(404, demo.get("sources/" + sourceId).status());

            assertTrue(authSeen.stream().allMatch(SECRET::equals), "the header was sent on every request");
            assertFalse(authSeen.isEmpty());
            for (String answer : answers) {
                assertFalse(answer.contains("sekrit"), "an API answer holds the secret: " + answer);
            }
            for (JsonNode line : logs.lines()) {
                assertFalse(line.toString().contains("sekrit"), "the log holds the secret: " + line);
            }
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path file : files.filter(Files::isRegularFile).filter(f -> f.toString().contains("secrets"))
                        .toList()) {
                    assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains("sekrit"),
                            "stored in plain text: " + file);
                }
            }
        } finally {
            server.stop(0);
            TestDirs.delete(dataDir);
            TestDirs.delete(keyDir);
        }
    }

    private static JsonNode pull(ApiClient api, String sourceId, List<String> answers) throws Exception {
        ApiClient.Response pulled = api.post("sources/" + sourceId + "/pull", "{}");
        answers.add(pulled.body().toString());
        assertEquals(202, pulled.status(), pulled.body()::toString);
        return pulled.body();
    }

    /** Cursor pagination (two a page, {@code after}), {@code since} filtering, and a required auth header. */
    private void items(HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        authSeen.add(String.valueOf(auth));
        if (!SECRET.equals(auth)) {
            send(exchange, 401, "{\"error\": \"unauthorized\"}");
            return;
        }
        Map<String, String> query = new java.util.HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(kv[0], java.net.URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
            }
        }
        String since = query.get("since");
        List<Map<String, Object>> visible = items.stream()
                .filter(i -> since == null || ((String) i.get("updated_at")).compareTo(since) > 0).toList();
        int from = Integer.parseInt(query.getOrDefault("after", "0"));
        List<Map<String, Object>> page = visible.subList(Math.min(from, visible.size()),
                Math.min(from + 2, visible.size()));
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("data", page);
        body.put("next", from + 2 < visible.size() ? String.valueOf(from + 2) : null);
        send(exchange, 200, JSON.writeValueAsString(body));
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
