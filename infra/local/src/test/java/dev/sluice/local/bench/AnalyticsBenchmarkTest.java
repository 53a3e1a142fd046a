package dev.sluice.local.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bench --analytics-only} on a small dataset: the path the README's 10M-row figures come from runs end to end,
 * its timed answers are checked against sums over the seeded rows (the scenario throws on a difference), and it
 * prints every figure, the JSON line last.
 */
class AnalyticsBenchmarkTest {
    @Test
    void aSmallAnalyticsBenchSeedsChecksAndTimesEveryFigure() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ObjectNode result = new AnalyticsBenchmark(20_000, 2, true,
                new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

        JsonNode analytics = result.get("analytics");
        assertEquals(20_000, analytics.get("rows").asLong());
        assertTrue(analytics.get("totalsChecked").asBoolean(), analytics::toString);
        assertTrue(analytics.get("rollupRows").asLong() > 0 && analytics.get("coarseRollupRows").asLong() > 0,
                analytics::toString);
        for (String range : List.of("all", "last90")) {
            for (String groupBy : List.of("day", "channel", "campaign")) {
                JsonNode figure = analytics.get("latencyMillis").get(range).get(groupBy);
                assertTrue(figure.get("p50").asDouble() > 0, range + " " + groupBy + ": " + figure);
                assertTrue(figure.get("p50").asDouble() <= figure.get("p95").asDouble(), figure::toString);
                assertEquals(2, figure.get("requests").asInt());
            }
        }
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(Measure.JSON.writeValueAsString(result), lines.getLast(), "the JSON line is the result");
        assertTrue(lines.stream().anyMatch(line -> line.contains("every p95 under 200 ms")), lines::toString);
    }
}
