package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import dev.sluice.local.TestSignIn;
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
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, "logs never contain tokens, passwords, presigned signatures or cell values beyond a short excerpt":
 * an import with long, recognisable cell values (some rejected, so row errors are logged), requests carrying a
 * bearer token and a WebSocket opened with {@code ?token=}, and then the whole functions' log — as serve writes it,
 * in the layout Lambda writes to CloudWatch — searched for each secret.
 */
class LogHygieneEndToEndTest {
    /** Longer than any excerpt a message may quote (row errors quote at most a few dozen characters). */
    private static final int LONG_CELL = 120;

    @Test
    void anImportLeavesNoSecretsAndNoWholeCellValuesInTheFunctionsLog() throws Exception {
        Path dataDir = Files.createTempDirectory("sluice-log-hygiene");
        List<String> cells = new ArrayList<>();
        try (FunctionsLog logs = FunctionsLog.start();
                LocalSluice sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir)
                        .parameter("ChunkBytes", "1024").build())) {
            ApiClient api = new ApiClient(sluice.baseUrl());
            // A real signed token: the gateway verifies it, and neither it nor the password may reach the log.
            String token = TestSignIn.token(sluice.baseUrl());
            StringBuilder csv = new StringBuilder("Date,Campaign,Channel,Spend,Clicks\n");
            for (int i = 1; i <= 30; i++) {
                String campaign = cell("campaign" + i);
                cells.add(campaign);
                // Every fifth record has a bad date made of a long unique value: its row error quotes an excerpt.
                String date = i % 5 == 0 ? cell("date" + i) : "2024-03-" + String.format("%02d", 1 + i % 28);
                if (i % 5 == 0) {
                    cells.add(date);
                }
                csv.append(date).append(",\"").append(campaign).append("\",search,").append(i).append(".50,")
                        .append(i * 3).append('\n');
            }
            String runId = api.upload("hygiene.csv", csv.toString().getBytes(StandardCharsets.UTF_8), null);
            JsonNode run = api.awaitFinal(runId);
            assertEquals(6, run.get("errors").asLong(), run.toString());

            HttpClient http = HttpClient.newHttpClient();
            for (String path : List.of("runs/" + runId, "runs/" + runId + "/errors", "runs/not-a-run-id")) {
                http.send(HttpRequest.newBuilder(sluice.baseUrl().resolve("/api/" + path))
                        .header("Authorization", "Bearer " + token).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            http.send(HttpRequest.newBuilder(sluice.baseUrl().resolve("/api/uploads"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"fileName\":\"x.csv\",\"contentLength\":-1}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            try (SocketClient socket = SocketClient.connect(URI.create(sluice.webSocketUrl() + "?token=" + token))) {
                socket.send("{\"action\":\"subscribe\",\"runId\":\"" + runId + "\"}");
                socket.await(SocketClient.type("run.finished", runId), Duration.ofSeconds(20), "the final message");
            }

            List<JsonNode> lines = logs.await(Duration.ofSeconds(30), "the loader's line of every chunk",
                    all -> all.stream().filter(l -> runId.equals(l.path("runId").asText()) && l.has("stored"))
                            .count() >= run.get("chunksTotal").asLong());
            String log = String.join("\n", lines.stream().map(JsonNode::toString).toList());
            assertTrue(log.contains(runId), "the log was captured");
            List<String> leaks = new ArrayList<>();
            check(leaks, log, "X-Amz-Signature=", "a presigned URL's signature");
            check(leaks, log, "X-Amz-Credential=", "a presigned URL's credential");
            check(leaks, log, token, "the bearer token");
            check(leaks, log, "Bearer ", "an Authorization header");
            check(leaks, log, TestSignIn.ADMIN_PASSWORD, "the sign-in password");
            check(leaks, log, "\"authorization\"", "an Authorization header");
            check(leaks, log, sluice.dbPassword(), "the database password");
            check(leaks, log, LocalSluice.SECRET_ACCESS_KEY, "the S3 secret key");
            for (String cell : cells) {
                check(leaks, log, cell, "a whole cell value");
            }
            assertTrue(leaks.isEmpty(), String.join("\n", leaks));
        } finally {
            TestDirs.delete(dataDir);
        }
    }

    private static String cell(String name) {
        StringBuilder value = new StringBuilder(name).append('-').append(UUID.randomUUID());
        while (value.length() < LONG_CELL) {
            value.append("-x");
        }
        return value.toString();
    }

    private static void check(List<String> leaks, String log, String secret, String what) {
        assertFalse(secret.isEmpty(), what);
        int at = log.indexOf(secret);
        if (at >= 0) {
            leaks.add(what + " in: " + log.substring(Math.max(0, at - 200), Math.min(log.length(), at + 80)));
        }
    }
}
