package dev.sluice.local.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.local.SluiceLocal;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small {@code soak} in the suite, through the command line as a user runs it: 20 small files and one 50,000-record
 * file (5 chunks) at once, with duplicate deliveries, loaders dying after their commits and 2 poisoned files. The
 * last line is the JSON contract; everything must be final with nothing lost or doubled, and the poisoned files'
 * chunks dead. (Each small file costs about a second of splitting on 2 cores, and the last poisoned one 5 deliveries
 * 5 s apart after that; 20 files show the same as 50 in half the time.)
 */
class SoakCommandTest {
    @TempDir
    Path dataDir;

    @Test
    void aSmallSoakWithFaultsHoldsTheJsonContract() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = SluiceLocal.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute("soak", "--small-files", "20",
                "--small-records", "200", "--large-records", "50000", "--poison-share", "0.1", "--faults",
                "duplicate:2,die-after-commit:0.2", "--param", "ChunkMaxRecords=10000", "--param",
                "ChunkVisibilityTimeout=5", "--timeout", "600", "--data-dir", dataDir.toString(), "--json");
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, () -> printed + err.toString(StandardCharsets.UTF_8));
        List<String> lines = printed.lines().toList();
        JsonNode json = new ObjectMapper().readTree(lines.getLast());
        assertEquals(0, json.get("lost").asLong(), printed);
        assertEquals(0, json.get("duplicated").asLong(), printed);
        assertEquals(21, json.get("runsTotal").asInt(), printed);
        assertEquals(21, json.get("runsFinal").asInt(), printed);
        assertTrue(json.get("smallFileRunsPerSecond").asDouble() > 0, printed);
        assertEquals(2, json.get("statuses").get("PARTIAL").asInt(), printed);
        assertEquals(2, json.get("deadChunks").asInt(), "one chunk per poisoned file: " + printed);
        assertTrue(json.get("faultsStruck").get("duplicate").asLong() > 0, printed);
        assertTrue(printed.contains("run latency  p50 "), printed);
    }
}
