package dev.sluice.local.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.local.SluiceLocal;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bench}'s command line, without running the bench. */
class BenchCommandTest {
    private static String[] run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SluiceLocal.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void helpNamesEveryOption() {
        String[] result = run("bench", "--help");
        assertEquals("0", result[0], result[2]);
        for (String option : new String[] {"--records=N", "--runs=N", "--row-by-row-rows=N", "--param=Name=Value",
            "--max-concurrency=N", "--json"}) {
            assertTrue(result[1].contains(option), result[1]);
        }
    }

    @Test
    void badOptionsAreUsageErrorsNamingTheOption() {
        String[] unknown = run("bench", "--record", "10");
        assertEquals("2", unknown[0]);
        assertTrue(unknown[2].startsWith("error: Unknown options: '--record', '10'"), unknown[2]);
        assertTrue(unknown[2].contains("Possible solutions: --records"), unknown[2]);
        String[] zero = run("bench", "--runs", "0");
        assertEquals("2", zero[0]);
        assertTrue(zero[2].startsWith("error: --runs must be at least 1"), zero[2]);
        String[] notANumber = run("bench", "--records", "1e6");
        assertEquals("2", notANumber[0]);
        assertTrue(notANumber[2].contains("'--records': '1e6' is not a long"), notANumber[2]);
    }

    @Test
    void paramIsARepeatableMap() {
        CommandLine line = SluiceLocal.commandLine(System.out, System.err);
        BenchCommand bench = (BenchCommand) line.parseArgs("bench", "--param", "ChunkBytes=4194304",
                "--param", "ChunkMaxRecords=1000,LoadConcurrency=2").subcommand().commandSpec().userObject();
        assertEquals(Map.of("ChunkBytes", "4194304", "ChunkMaxRecords", "1000", "LoadConcurrency", "2"),
                bench.parameters);
        assertEquals(1_000_000L, bench.records);
        assertEquals(3, bench.runs);
    }
}
