package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.local.emulator.PostgresEmulator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} killed with SIGKILL mid-run: none of its child processes (moto, PostgreSQL and its watchdog)
 * outlives it, the next start on the same data directory works, and the run started before the kill completes
 * with every record accounted for once.
 */
class KillRestartEndToEndTest {
    private static final int RECORDS = 20_000;
    /** Short visibility timeouts through the template's parameters, so deliveries the kill cut short come back soon. */
    private static final List<String> PARAMETERS = List.of("ChunkMaxRecords=500", "ChunkVisibilityTimeout=3",
            "IngestVisibilityTimeout=3");

    @TempDir
    Path dataDir;

    @Test
    void afterKill9TheNextStartWorksAndTheRunStartedBeforeCompletesOnce() throws Exception {
        Process serve = startServe();
        String runId;
        List<ProcessHandle> children;
        long postmaster;
        try {
            ApiClient api = new ApiClient(awaitReady(serve).baseUrl());
            runId = api.upload("killed.csv", csv().getBytes(StandardCharsets.UTF_8), null);
            JsonNode atKill = api.awaitRun(runId, run -> run.path("chunksDone").asInt() >= 1
                    || ApiClient.FINAL.contains(run.path("status").asText()), Duration.ofSeconds(120));
            assertFalse(ApiClient.FINAL.contains(atKill.path("status").asText()), "killed while loading: " + atKill);
            children = serve.toHandle().descendants().toList();
            postmaster = postmasterPid();
            assertTrue(children.stream().anyMatch(p -> p.info().command().orElse("").contains("python")),
                    "moto's server runs as a child: " + describe(children));
        } finally {
            serve.destroyForcibly();
            serve.waitFor(30, TimeUnit.SECONDS);
        }
        List<ProcessHandle> tied = new ArrayList<>(children);
        ProcessHandle.of(postmaster).ifPresent(tied::add);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (tied.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of(), tied.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList(),
                "no process of the killed runtime is left: " + describe(tied));

        // The next `serve` on the same data directory, as a user would run it.
        Process again = startServe();
        try {
            Ready ready = awaitReady(again);
            JsonNode run = new ApiClient(ready.baseUrl()).awaitRun(runId,
                    r -> ApiClient.FINAL.contains(r.path("status").asText()), Duration.ofSeconds(180));
            assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
            assertEquals(RECORDS, run.path("records").asLong());
            assertEquals(RECORDS, run.path("stored").asLong(), "every record stored once: " + run);
            assertEquals(0, run.path("errors").asLong());
            assertEquals(run.path("chunksTotal").asInt(), run.path("chunksDone").asInt(), "each chunk counted once");
            assertEquals(RECORDS, count(ready.jdbcUrl(), "SELECT count(*) FROM records WHERE run_id = ?", runId));
            assertEquals(run.path("chunksTotal").asLong(),
                    count(ready.jdbcUrl(), "SELECT count(*) FROM chunk_ledger WHERE run_id = ?", runId));
        } finally {
            again.destroy();
            assertTrue(again.waitFor(60, TimeUnit.SECONDS), "serve stops on SIGTERM");
        }
    }

    private Process startServe() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java,
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx768m",
                "-cp", System.getProperty("java.class.path"),
                "dev.sluice.local.SluiceLocal", "serve", "--port", "0", "--data-dir", dataDir.toString(),
                "--max-concurrency", "1"));
        PARAMETERS.forEach(p -> command.addAll(List.of("--param", p)));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(
                dataDir.resolve("serve-stderr.log").toFile())).start();
    }

    private record Ready(URI baseUrl, String jdbcUrl) {
    }

    /** The URLs {@code serve} prints ({@code Sluice ready at URL ...}, {@code PostgreSQL URL ...}). */
    private static Ready awaitReady(Process serve) throws Exception {
        CompletableFuture<Ready> ready = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(),
                        StandardCharsets.UTF_8));
                URI base = null;
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("Sluice ready at ")) {
                        base = URI.create(line.substring("Sluice ready at ".length()).split(" ")[0]);
                    } else if (base != null && line.strip().startsWith("PostgreSQL ")) {
                        String jdbcUrl = line.strip().split("\\s+")[1];
                        Thread.ofPlatform().daemon(true).start(() -> drain(out));
                        return new Ready(base, jdbcUrl);
                    }
                }
                throw new IllegalStateException("serve ended before it was ready, exit " + serve.waitFor());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return ready.get(180, TimeUnit.SECONDS);
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // keep the child's stdout pipe from filling
            }
        } catch (java.io.IOException e) {
            // the child is gone
        }
    }

    private long postmasterPid() throws Exception {
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        return Files.exists(pidFile) ? Long.parseLong(Files.readAllLines(pidFile).getFirst().strip()) : -1;
    }

    private static String describe(List<ProcessHandle> processes) {
        return processes.stream()
                .map(p -> p.pid() + "=" + p.info().command().orElse("?") + (p.isAlive() ? "" : "(ended)"))
                .toList().toString();
    }

    private static String csv() {
        StringBuilder csv = new StringBuilder("date,campaign,channel,spend,clicks,conversions,impressions\n");
        for (int i = 0; i < RECORDS; i++) {
            csv.append("2024-03-").append(String.format("%02d", 1 + i % 28)).append(",Campaign ").append(i % 50)
                    .append(",search,").append(i % 1000).append(".25,").append(i % 97).append(',').append(i % 7)
                    .append(',').append(i).append('\n');
        }
        return csv.toString();
    }

    private static long count(String jdbcUrl, String sql, String runId) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, PostgresEmulator.LOCAL_USER,
                PostgresEmulator.LOCAL_PASSWORD);
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, runId);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
