package dev.sluice.local.bench;

import static dev.sluice.local.bench.Measure.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.local.Directories;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code bench --analytics-rows N}: a stack of its own (so the import figures are not disturbed by millions of
 * dataset rows), the {@link AnalyticsScenario}, and its figures printed as a table (and with {@code --json} as one
 * JSON object on the last line).
 */
final class AnalyticsBenchmark {
    private final long rows;
    private final int requests;
    private final boolean json;
    private final PrintStream out;

    AnalyticsBenchmark(long rows, int requests, boolean json, PrintStream out) {
        this.rows = rows;
        this.requests = requests;
        this.json = json;
        this.out = out;
    }

    ObjectNode run() throws Exception {
        Path work = Files.createTempDirectory("sluice-bench-analytics");
        try (LocalSluice sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(work.resolve("data"))
                .build())) {
            ObjectNode result = JSON.createObjectNode();
            result.set("machine", BenchmarkReport.machine());
            result.set("analytics", new AnalyticsScenario(sluice).measure(rows, requests));
            print(result);
            return result;
        } finally {
            Directories.deleteTree(work);
        }
    }

    private void print(ObjectNode result) throws Exception {
        JsonNode analytics = result.get("analytics");
        out.println();
        out.printf("Sluice analytics benchmark: %,d dataset rows (%,d rollups, %,d coarse), %d requests per figure, "
                + "%d cores%n", analytics.get("rows").asLong(), analytics.get("rollupRows").asLong(),
                analytics.get("coarseRollupRows").asLong(), requests,
                result.get("machine").get("cores").asInt());
        out.printf("  %-10s %-9s %10s %10s%n", "range", "groupBy", "p50 ms", "p95 ms");
        analytics.get("latencyMillis").properties().forEach(range -> range.getValue().properties().forEach(group ->
                out.printf("  %-10s %-9s %10.1f %10.1f%n", range.getKey(), group.getKey(),
                        group.getValue().get("p50").asDouble(), group.getValue().get("p95").asDouble())));
        out.printf("  seeding: rows %.1f s, rollups %.1f s; every p95 under 200 ms: %s%n",
                analytics.get("seedRowsSeconds").asDouble(), analytics.get("seedRollupsSeconds").asDouble(),
                analytics.get("p95Under200ms").asBoolean());
        if (json) {
            out.println(JSON.writeValueAsString(result));
        }
    }
}
