package dev.sluice.local.bench;

import static dev.sluice.local.bench.Measure.JSON;
import static dev.sluice.local.bench.Measure.connect;
import static dev.sluice.local.bench.Measure.round;
import static dev.sluice.local.bench.Measure.say;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.Directories;
import dev.sluice.local.LocalSluice;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench}: in one run, on one embedded PostgreSQL and one table shape, measures raw COPY (the ceiling),
 * Sluice end to end (the median of several imports, with the CPU time the JVM, its loaders and PostgreSQL spent),
 * row-by-row INSERTs (what Sluice replaces) and the splitter's scan against a plain read. Each is a scenario class;
 * this one runs them in order and assembles the result {@link BenchmarkReport} prints.
 */
public final class Benchmark {
    private static final long SEED = 20261122L;

    /** What to measure; {@code runs} is how many times the end-to-end import is measured. */
    public record Options(long records, int runs, int rowByRowRows, Map<String, String> parameters,
            Integer maxConcurrency, boolean json) {
    }

    private final Options options;
    private final PrintStream out;

    public Benchmark(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public ObjectNode run() throws Exception {
        Path work = Files.createTempDirectory("sluice-bench");
        try {
            return run(work);
        } finally {
            Directories.deleteTree(work);
        }
    }

    private ObjectNode run(Path work) throws Exception {
        say("generating %,d records ...", options.records());
        BenchmarkFile.Written file = BenchmarkFile.write(work.resolve("bench.csv"), work.resolve("bench-copy.csv"),
                options.records(), SEED);
        say("  %s: %,d bytes, %,d invalid records", file.csv().getFileName(), file.bytes(), file.invalidRecords());

        // The bench times one single PUT of its file, whatever its size, and uploads the same bytes once per run.
        Map<String, String> parameters = new HashMap<>(Map.of("MultipartThresholdBytes", "5368709120"));
        parameters.putAll(options.parameters());
        LocalOptions.Builder local = LocalOptions.builder().port(0).dataDir(work.resolve("data"))
                .parameters(parameters);
        if (options.maxConcurrency() != null) {
            local.maxConcurrency(options.maxConcurrency());
        }
        ObjectNode result = JSON.createObjectNode();
        try (LocalSluice sluice = LocalSluice.start(local.build())) {
            result.put("records", file.records());
            result.put("invalidRecords", file.invalidRecords());
            result.put("fileBytes", file.bytes());
            result.set("machine", BenchmarkReport.machine());
            CpuMeter cpu;
            try (Connection connection = connect(sluice)) {
                cpu = CpuMeter.of(sluice, connection);
            }
            RawCopyScenario rawCopy = new RawCopyScenario(sluice, cpu);
            EndToEndScenario endToEnd = new EndToEndScenario(sluice, cpu, rawCopy);
            ObjectNode warmUp = endToEnd.warmUp(work, options.records(), SEED + 1);
            result.set("warmUp", warmUp);
            result.put("warmUpRecords", warmUp.get("records").asLong());
            List<ObjectNode> copies = new ArrayList<>();
            List<MeasuredRun> runs = endToEnd.measuredRuns(file, options.runs(), copies);
            MeasuredRun median = MeasuredRun.median(runs);
            result.set("endToEnd", median.endToEnd());
            result.set("endToEndRuns", BenchmarkReport.runsJson(runs));
            result.put("recordsTableMb", median.endToEnd().get("tablesMb").asLong());
            ObjectNode copy = median.ceiling().deepCopy();
            ArrayNode attempts = copy.putArray("attemptsSeconds");
            copies.forEach(attempt -> attempts.add(attempt.get("seconds").asDouble()));
            result.set("rawCopy", copy);
            result.set("rowByRow", new RowByRowScenario(sluice, options.rowByRowRows()).measure(file));
            result.set("publish", new PublishScenario(sluice).measure(file, copy.get("seconds").asDouble()));
            long targetChunkBytes = Long.parseLong(options.parameters().getOrDefault("ChunkBytes", "4194304"));
            ObjectNode scan = new SplitterScanScenario(sluice, targetChunkBytes).measure(
                    median.endToEnd().path("bucket").asText(), median.endToEnd().path("key").asText(), file);
            result.set("splitterScan", scan.get("splitter"));
            result.set("plainRead", scan.get("plainRead"));
            result.put("endToEndOverCopy", round(median.overCopy(), 3));
            ArrayNode ratios = result.putArray("endToEndOverCopyRuns");
            runs.forEach(run -> ratios.add(round(run.overCopy(), 3)));
            result.put("splitterOverPlainRead", round(scan.path("splitter").path("mbPerSecond").asDouble()
                    / scan.path("plainRead").path("mbPerSecond").asDouble(), 3));
            result.put("firstProgressMillis", median.endToEnd().path("firstProgressMillis").asLong());
            say("progress over the WebSocket (3 subscribers) ...");
            result.set("webSocket", new WebSocketBench(sluice).measure(file.csv(), file.bytes(), options.runs(), 3));
            result.put("peakHeapMb", runs.stream().mapToLong(MeasuredRun::peakUsedBytes).max().orElseThrow() >> 20);
            result.put("peakLiveHeapMb",
                    runs.stream().mapToLong(MeasuredRun::peakLiveBytes).max().orElseThrow() >> 20);
            result.set("cpuSeconds", BenchmarkReport.cpuJson(median.cpu()));
            ObjectNode targets = result.putObject("targets");
            targets.put("endToEndOverCopyAtLeast0_6", result.get("endToEndOverCopy").asDouble() >= 0.6);
            targets.put("splitterOverPlainReadAtLeast0_5", result.get("splitterOverPlainRead").asDouble() >= 0.5);
            targets.put("firstProgressWithin1s", result.get("firstProgressMillis").asLong() <= 1000);
            targets.put("everyRecordAccountedFor", runs.stream().allMatch(MeasuredRun::accountedFor));
            targets.put("firstWebSocketProgressWithin300ms",
                    result.at("/webSocket/firstMessageAfterUploadMillis").asLong() <= 300);
        }
        new BenchmarkReport(out, options.json()).print(result);
        return result;
    }

}
