package dev.sluice.local.bench;

import static dev.sluice.local.bench.Measure.JSON;
import static dev.sluice.local.bench.Measure.connect;
import static dev.sluice.local.bench.Measure.round;
import static dev.sluice.local.bench.Measure.say;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.local.LocalSluice;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sluice end to end, driven through the HTTP API like a browser: create upload, PUT, follow the run. Warmed up
 * first, then measured several times, each run next to raw COPYs (its ceiling).
 */
final class EndToEndScenario {
    /** At rest (RunStatus#isAtRest): final or waiting in REVIEW; a PUBLISHING run is still working. */
    private static final Set<String> FINAL = Arrays.stream(RunStatus.values()).filter(RunStatus::isAtRest)
            .map(RunStatus::name).collect(Collectors.toUnmodifiableSet());
    private static final long MAX_WARM_UP_RECORDS = 1_000_000;
    private static final int MAX_WARM_UPS = 4;
    private static final double SETTLED_JIT_SHARE = 0.25;

    private final LocalSluice sluice;
    private final CpuMeter cpu;
    private final RawCopyScenario rawCopy;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    EndToEndScenario(LocalSluice sluice, CpuMeter cpu, RawCopyScenario rawCopy) {
        this.sluice = sluice;
        this.cpu = cpu;
        this.rawCopy = rawCopy;
    }

    /**
     * A Lambda that has served a few chunks is JIT-compiled. This JVM also runs the emulators (S3, SQS, DynamoDB, the
     * gateway): thousands of methods whose compilation kept both cores busy for most of a first 1M-record import, so
     * imports are repeated until the compiler's time falls below {@value #SETTLED_JIT_SHARE} of an import's wall
     * time, at most {@value #MAX_WARM_UPS} times. The compiler's time is then reported for each measured run too.
     */
    ObjectNode warmUp(Path work, long fileRecords, long seed) throws Exception {
        long records = Math.min(fileRecords, MAX_WARM_UP_RECORDS);
        BenchmarkFile.Written warmUp = BenchmarkFile.write(work.resolve("warm-up.csv"),
                work.resolve("warm-up-copy.csv"), records, seed);
        ObjectNode node = JSON.createObjectNode();
        node.put("records", records);
        ArrayNode jitShares = node.putArray("jitShare");
        for (int round = 1; round <= MAX_WARM_UPS; round++) {
            RawCopyScenario.settle(sluice);
            CpuMeter.Sample before = cpu.sample();
            importOnce(warmUp, "warm-up-" + round + ".csv");
            CpuMeter.Usage usage = cpu.between(before, cpu.sample());
            if (usage.jitSeconds().isEmpty()) {
                break;
            }
            double jitShare = usage.jitSeconds().getAsDouble() / usage.wallSeconds();
            jitShares.add(round(jitShare, 3));
            say("  JIT compiling %.0f %% of the import's wall time", jitShare * 100);
            if (jitShare < SETTLED_JIT_SHARE) {
                break;
            }
        }
        node.put("imports", Math.max(1, jitShares.size()));
        return node;
    }

    /**
     * One end-to-end import on a 2-core host varies by about 10 %, and so does the host itself over minutes: each
     * import is measured against the faster of the raw COPYs run just before and just after it, and the runs are
     * ranked by that ratio. Each run loads into emptied tables: all do the same work, none pays for the index the
     * one before it grew.
     *
     * @param copies receives every raw COPY, in the order they ran
     */
    List<MeasuredRun> measuredRuns(BenchmarkFile.Written file, int count, List<ObjectNode> copies) throws Exception {
        RawCopyScenario.settle(sluice);
        copies.add(rawCopy.measure(file));
        List<MeasuredRun> runs = new ArrayList<>();
        for (int run = 1; run <= count; run++) {
            RawCopyScenario.settle(sluice);
            System.gc();
            try (HeapMonitor heap = new HeapMonitor()) {
                CpuMeter.Sample before = cpu.sample();
                ObjectNode endToEnd = importOnce(file, "bench-" + run + ".csv");
                CpuMeter.Usage usage = cpu.between(before, cpu.sample());
                long peakUsed = heap.peakUsedBytes();
                long peakLive = heap.peakLiveBytes();
                endToEnd.put("tablesMb", tableMegabytes());
                RawCopyScenario.settle(sluice);
                copies.add(rawCopy.measure(file));
                ObjectNode ceiling = RawCopyScenario.faster(copies.get(copies.size() - 2), copies.getLast());
                runs.add(new MeasuredRun(endToEnd, ceiling, usage, peakUsed, peakLive));
            }
        }
        return runs;
    }

    /** The whole path for one file, timed from the start of the PUT. */
    private ObjectNode importOnce(BenchmarkFile.Written file, String fileName) throws Exception {
        say("Sluice end to end (%s) ...", fileName);
        URI api = sluice.baseUrl().resolve("/api/");
        ObjectNode request = JSON.createObjectNode();
        request.put("fileName", fileName);
        request.put("contentLength", file.bytes());
        // No datasetId: the signed-in user's default dataset.
        // Every run uploads the same bytes: not a duplicate to refuse here.
        request.put("allowDuplicate", true);
        // As the first configured user (admin@example.com unless --user replaced the users).
        String bearer = "Bearer " + sluice.identity().tokenFor(sluice.identity().userEmails().getFirst());
        JsonNode upload = send(HttpRequest.newBuilder(api.resolve("uploads"))
                .header("Content-Type", "application/json").header("Authorization", bearer)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))).build(), 201);
        String runId = upload.get("runId").asText();
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(upload.get("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofFile(file.csv()));
        upload.get("headers").properties().forEach(h -> put.header(h.getKey(), h.getValue().asText()));
        long started = System.nanoTime();
        HttpResponse<String> putResponse = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
        if (putResponse.statusCode() >= 300) {
            throw new IllegalStateException("PUT to the presigned URL answered " + putResponse.statusCode() + ": "
                    + putResponse.body());
        }
        long uploaded = System.nanoTime();
        URI runUri = api.resolve("runs/" + runId);
        long firstProgress = -1;
        JsonNode run;
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (true) {
            run = send(HttpRequest.newBuilder(runUri).header("Authorization", bearer).GET().build(), 200);
            boolean finished = FINAL.contains(run.path("status").asText());
            if (firstProgress < 0 && (run.path("records").asLong() > 0 || finished)) {
                firstProgress = System.nanoTime();
            }
            if (finished) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("run " + runId + " did not finish within 30 minutes: " + run);
            }
            Thread.sleep(firstProgress < 0 ? 10 : 100);
        }
        long finished = System.nanoTime();
        double seconds = (finished - started) / 1e9;
        long records = run.path("records").asLong();
        long stored = run.path("stored").asLong();
        long errors = run.path("errors").asLong();
        ObjectNode node = JSON.createObjectNode();
        node.put("runId", runId);
        node.put("status", run.path("status").asText());
        node.put("seconds", round(seconds, 3));
        node.put("uploadSeconds", round((uploaded - started) / 1e9, 3));
        node.put("afterUploadSeconds", round((finished - uploaded) / 1e9, 3));
        node.put("recordsPerSecond", Math.round(records / seconds));
        node.put("firstProgressMillis", (firstProgress - uploaded) / 1_000_000);
        node.put("stored", stored);
        node.put("errors", errors);
        node.put("chunks", run.path("chunksTotal").asInt());
        node.put("accountedFor", records == file.records() && stored + errors == records
                && errors == file.invalidRecords());
        node.put("bucket", sluice.bucketName("UploadBucket"));
        node.put("key", upload.path("key").asText());
        return node;
    }

    /** Records, their index and the row errors on disk after the run: the storage the cost page prices. */
    private long tableMegabytes() throws Exception {
        try (Connection connection = connect(sluice);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT pg_total_relation_size('records') + "
                        + "pg_total_relation_size('row_errors') + pg_total_relation_size('chunk_ledger')")) {
            rows.next();
            return rows.getLong(1) >> 20;
        }
    }

    private JsonNode send(HttpRequest request, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
