package dev.sluice.local.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bench on a small file, through its whole sequence (warm-up, paired COPYs, runs, row by row, scan): every phase
 * runs against the real local stack, and the JSON contract that readers of {@code --json} rely on holds.
 */
class BenchmarkTest {
    @Test
    void aSmallBenchAccountsForEveryRecordAndPrintsTheRatiosAsTopLevelNumbers() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Benchmark.Options options = new Benchmark.Options(3_000, 2, 500, Map.of("ChunkMaxRecords", "1000"), null, true);

        JsonNode result = new Benchmark(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(new ObjectMapper().writeValueAsString(result), lines.getLast(),
                "--json: the last line is the result");
        assertTrue(lines.stream().anyMatch(line -> line.contains("end-to-end / raw COPY =")), "the table is printed");
        assertTrue(result.get("endToEndOverCopy").isNumber() && result.get("endToEndOverCopy").asDouble() > 0);
        assertTrue(result.get("splitterOverPlainRead").isNumber()
                && result.get("splitterOverPlainRead").asDouble() > 0);
        assertEquals(2, result.get("endToEndRuns").size());
        assertEquals(3, result.get("rawCopy").get("attemptsSeconds").size(), "one COPY before and one after each run");
        long invalid = result.get("invalidRecords").asLong();
        assertTrue(invalid > 0, "the generated file has invalid rows");
        assertEquals(3_000 - invalid, result.get("rawCopy").get("rows").asLong());
        JsonNode endToEnd = result.get("endToEnd");
        assertEquals(3, endToEnd.get("chunks").asInt());
        assertEquals(3_000 - invalid, endToEnd.get("stored").asLong());
        assertEquals(invalid, endToEnd.get("errors").asLong());
        assertTrue(result.get("targets").get("everyRecordAccountedFor").asBoolean());
        assertTrue(result.get("firstProgressMillis").asLong() >= 0);
        assertEquals(500, result.get("rowByRow").get("rows").asLong());
        // The publish figure times a publish of every valid record, not of an empty run.
        assertEquals(3_000 - invalid, result.get("publish").get("records").asLong());
        assertEquals(3_000 - invalid, result.get("publish").get("append").get("inserted").asLong());
        assertTrue(result.get("publish").get("upsert").get("inserted").asLong() > 0);
        assertTrue(result.get("cpuSeconds").get("jvm").asDouble() > 0);
        JsonNode webSocket = result.get("webSocket");
        assertEquals(3, webSocket.get("subscribers").asInt());
        assertTrue(webSocket.get("messages").asLong() >= 2 * 3 * 2,
                () -> "progress and final, 2 imports, 3 sockets: " + webSocket);
        assertTrue(webSocket.get("firstMessageAfterUploadMillis").asLong() >= 0, webSocket::toString);
        assertTrue(webSocket.get("lagP95Millis").asDouble() >= webSocket.get("lagMedianMillis").asDouble());
    }
}
