package dev.sluice.local.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.local.SluiceLocal;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line without starting anything: generated help, usage errors that name the option (exit 2),
 * {@code --param} maps, and every command line README.md documents.
 */
class CommandLineTest {
    @TempDir
    Path dir;

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SluiceLocal.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertHelpNames(String command, String... options) {
        Result result = run(command, "--help");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().startsWith("Usage: java -jar sluice-local.jar " + command), result.out());
        for (String option : options) {
            assertTrue(result.out().contains(option), command + " --help names " + option + ":\n" + result.out());
        }
    }

    private static void assertUsageError(String expectedInError, String... argv) {
        Result result = run(argv);
        assertEquals(SluiceLocal.CANNOT_RUN, result.exitCode(), result.err());
        assertTrue(result.err().startsWith("error: ") && result.err().contains(expectedInError), result.err());
        assertFalse(result.err().contains("Exception"), "no exception class: " + result.err());
        assertEquals("", result.out());
    }

    private static <T> T parsed(String command, Class<T> type, String... args) {
        CommandLine line = SluiceLocal.commandLine(System.out, System.err);
        String[] argv = new String[args.length + 1];
        argv[0] = command;
        System.arraycopy(args, 0, argv, 1, args.length);
        CommandLine.ParseResult result = line.parseArgs(argv);
        return type.cast(result.subcommand().commandSpec().userObject());
    }

    @Test
    void topLevelHelpListsEveryCommandAndNoCommandIsAUsageError() {
        Result help = run("--help");
        assertEquals(0, help.exitCode());
        for (String command : List.of("serve", "ingest", "bench", "migrate")) {
            assertTrue(help.out().contains("  " + command + " "), help.out());
        }
        Result none = run();
        assertEquals(SluiceLocal.CANNOT_RUN, none.exitCode());
        assertTrue(none.err().contains("Commands:"), none.err());
        assertUsageError("'frobnicate'", "frobnicate");
    }

    @Test
    void serveHelpBadOptionAndParam() {
        assertHelpNames("serve", "--port=N", "--data-dir=DIR", "--jdbc-url=URL", "--param=Name=Value",
                "--max-concurrency=N", "--visibility-timeout-override=S", "--no-event-sources", "--verbose");
        assertUsageError("Unknown options: '--prot', '8080'", "serve", "--prot", "8080");
        assertUsageError("--port must be 0..65535, was 70000", "serve", "--port", "70000");
        assertUsageError("'--port': 'eighty' is not an int", "serve", "--port", "eighty");
        assertUsageError("'--param' (Name=Value) should be in KEY=VALUE", "serve", "--param", "ChunkBytes");

        ServeCommand serve = parsed("serve", ServeCommand.class, "--param", "ChunkBytes=1048576",
                "--param", " LoadConcurrency = 4 ,ExpirySweepSchedule=rate(1 second)", "--param", "ChunkBytes=2");
        assertEquals(Map.of("ChunkBytes", "2", "LoadConcurrency", "4", "ExpirySweepSchedule", "rate(1 second)"),
                serve.stack.parameters(), "repeatable, comma-separated, trimmed, the later value wins");
        assertEquals(Map.of("ChunkBytes", "2", "LoadConcurrency", "4", "ExpirySweepSchedule", "rate(1 second)"),
                serve.stack.builder(serve.port).build().parameters(), "and they reach the runtime");
    }

    @Test
    void ingestHelpBadOptionAndParam() {
        assertHelpNames("ingest", "FILE...", "--api=URL", "--json", "--dataset=NAME", "--mapping=canonical=Header",
                "--allow-duplicate", "--param=Name=Value", "--data-dir=DIR");
        assertUsageError("Unknown option: '--datset'", "ingest", "x.csv", "--datset", "spring");
        assertUsageError("Missing required parameter: 'FILE'", "ingest", "--api", "http://127.0.0.1:1");
        assertUsageError("'--mapping' (canonical=Header) should be in KEY=VALUE", "ingest", "x.csv",
                "--mapping", "Day");
        assertUsageError("--param takes Name=Value, got '=1'", "ingest", "x.csv", "--param", "=1");

        IngestCommand ingest = parsed("ingest", IngestCommand.class, "a.csv", "b.csv", "--param", "A=1,B=2",
                "--mapping", "spend=Cost,date=Day");
        assertEquals(Map.of("A", "1", "B", "2"), ingest.stack.parameters());
        assertEquals(Map.of("spend", "Cost", "date", "Day"), ingest.mapping);
        assertEquals(List.of(Path.of("a.csv"), Path.of("b.csv")), ingest.files);
    }

    @Test
    void migrateHelpAndBadOption() {
        assertHelpNames("migrate", "--jdbc-url=URL", "--db-user=U", "SLUICE_DB_PASSWORD");
        assertUsageError("Missing required option: '--jdbc-url=URL'", "migrate");
        assertUsageError("Unknown options: '--db-pass', 'x'", "migrate", "--jdbc-url", "jdbc:postgresql://h/db",
                "--db-pass", "x");
    }

    /** A running {@code serve} holds the data directory: ingest says to send the files to it instead. */
    @Test
    void ingestIntoADataDirInUseSuggestsApi() throws Exception {
        Path dataDir = Files.createDirectories(dir.resolve("data"));
        Path file = Files.writeString(dir.resolve("x.csv"), "h\n1\n");
        try (FileChannel channel = FileChannel.open(dataDir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
            Result result = run("ingest", file.toString(), "--data-dir", dataDir.toString());
            assertEquals(SluiceLocal.CANNOT_RUN, result.exitCode(), result.err());
            assertTrue(result.err().contains("data dir " + dataDir.toAbsolutePath().normalize()
                    + " is in use by another Sluice local runtime"), result.err());
            assertTrue(result.err().contains("--api URL"), result.err());
            assertFalse(result.err().contains("Exception"), result.err());
            assertTrue(lock.isValid());
        }
    }

    @Test
    void faultsAndSoakOptions() {
        assertHelpNames("soak", "--small-files=N", "--large-records=M", "--poison-share=P", "--faults=LIST",
                "--json", "--param=Name=Value");
        assertUsageError("unknown fault 'flood'", "serve", "--fault", "flood");
        assertUsageError("SECONDS must be 0..3600, was 7200", "serve", "--fault", "db-outage:7200");
        assertUsageError("not a number", "soak", "--faults", "duplicate:many");
        assertUsageError("--poison-share must be 0..1", "soak", "--poison-share", "2");
        ServeCommand serve = parsed("serve", ServeCommand.class, "--fault", "duplicate:3", "--fault", "poison");
        assertEquals("[duplicate:3, poison]", serve.stack.builder(0).build().faults().toString());
        assertTrue(serve.stack.builder(0).build().faultInjection());
    }

    /** Each line as README.md writes it (after {@code java -jar infra/local/target/sluice-local.jar}). */
    @Test
    void everyCommandLineInTheReadmeParses() {
        List<List<String>> lines = List.of(
                List.of("serve"),
                List.of("serve", "--verbose", "--data-dir", ".sluice", "--port", "0"),
                List.of("serve", "--jdbc-url", "jdbc:postgresql://127.0.0.1:5432/sluice", "--db-user", "U",
                        "--db-password", "P"),
                List.of("serve", "--param", "ChunkBytes=1048576", "--param", "LoadConcurrency=4"),
                List.of("serve", "--param", "ChunkVisibilityTimeout=30"),
                List.of("serve", "--param", "UploadUrlTtlSeconds=10", "--param", "UploadExpiryMarginSeconds=1",
                        "--param", "ExpirySweepSchedule=rate(1 second)"),
                List.of("serve", "--param", "ChunkVisibilityTimeout=30", "--param", "IngestVisibilityTimeout=60"),
                List.of("ingest", "samplecsv/messy.csv"),
                List.of("ingest", "samplecsv/google_ads_clean.csv", "--dataset", "spring", "--mapping",
                        "spend=Cost,date=Day", "--json"),
                List.of("ingest", "samplecsv/meta_export.csv", "--api", "http://127.0.0.1:8080"),
                List.of("ingest", "samplecsv/messy.csv", "--api", "http://127.0.0.1:8080"),
                List.of("ingest", "samplecsv/x.csv", "--dataset", "ads", "--mapping", "date=Day"),
                List.of("bench"),
                List.of("bench", "--records", "1000000", "--runs", "3", "--json"),
                List.of("bench", "--records", "200000", "--runs", "1", "--json"),
                List.of("bench", "--row-by-row-rows", "20000", "--max-concurrency", "2", "--param",
                        "ChunkBytes=4194304"),
                List.of("migrate", "--jdbc-url", "jdbc:postgresql://cluster.example:5432/sluice", "--db-user", "U"),
                List.of("serve", "--fault", "duplicate:3", "--fault", "db-outage:60"),
                List.of("serve", "--fault", "die-after-commit", "--param", "ChunkVisibilityTimeout=5"),
                List.of("soak", "--small-files", "200", "--large-records", "200000", "--poison-share", "0.05",
                        "--faults", "duplicate:2,die-after-commit:0.2,db-outage:60", "--json"),
                List.of("soak", "--small-files", "1000", "--large-records", "1000000", "--json"),
                List.of("help"),
                List.of("help", "ingest"));
        for (List<String> line : lines) {
            CommandLine commandLine = SluiceLocal.commandLine(System.out, System.err);
            commandLine.parseArgs(line.toArray(String[]::new));
        }
    }
}
