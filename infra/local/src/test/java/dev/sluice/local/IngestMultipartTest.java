package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ingest --api} of a file above the multipart threshold into a real local stack. */
class IngestMultipartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIVE_MIB = 5L * 1024 * 1024;

    @TempDir
    static Path dir;

    private static LocalSluice sluice;

    @BeforeAll
    static void start() throws Exception {
        sluice = LocalSluice.start(LocalOptions.builder()
                .port(0)
                .dataDir(Files.createDirectories(dir.resolve("data")))
                .parameter("MultipartThresholdBytes", Long.toString(FIVE_MIB))
                .parameter("MultipartPartBytes", Long.toString(FIVE_MIB))
                .build());
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
    }

    private record Result(int exitCode, String out, String err) {
        JsonNode lastLine() throws Exception {
            String[] lines = out.strip().split("\n");
            return JSON.readTree(lines[lines.length - 1]);
        }
    }

    private static Result ingest(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] argv = new String[args.length + 1];
        argv[0] = "ingest";
        System.arraycopy(args, 0, argv, 1, args.length);
        int code = SluiceLocal.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** About 11 MB of distinct valid marketing rows: three parts of at most 5 MiB. */
    private static int writeBigCsv(Path file) throws Exception {
        int rows = 0;
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            writer.write("date,campaign,channel,spend,clicks,conversions\n");
            while (Files.size(file) < 11_000_000L) {
                for (int i = 0; i < 10_000; i++, rows++) {
                    writer.write(String.format(Locale.ROOT, "2024-%02d-%02d,Campaign %07d,google,%d.%02d,%d,%d%n",
                            1 + rows % 12, 1 + rows % 28, rows, rows % 5000, rows % 100, rows % 900, rows % 40));
                }
                writer.flush();
            }
        }
        return rows;
    }

    @Test
    void aBigFileGoesInPartsAndItsSecondCopyIsADuplicateUnlessAllowed() throws Exception {
        Path file = dir.resolve("big.csv");
        int rows = writeBigCsv(file);
        assertTrue(Files.size(file) > 2 * FIVE_MIB, "needs three parts");
        String api = sluice.baseUrl().toString();

        Result first = ingest(file.toString(), "--api", api, "--json");
        assertEquals(0, first.exitCode(), first.err());
        JsonNode run = first.lastLine();
        assertEquals("SUCCEEDED", run.path("status").asText(), run.toString());
        assertEquals(rows, run.path("records").asLong(), run.toString());
        assertEquals(rows, run.path("stored").asLong(), run.toString());
        assertEquals(0, run.path("errors").asLong(), run.toString());
        assertTrue(first.err().contains("big.csv: part 1/3 uploaded"), first.err());
        assertTrue(first.err().contains("big.csv: part 3/3 uploaded"), first.err());
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        assertEquals(sha256, run.path("sha256").asText().toLowerCase(Locale.ROOT), "the announced checksum held");

        String runId = run.path("runId").asText();
        Result again = ingest(file.toString(), "--api", api);
        assertEquals(2, again.exitCode(), again.out() + again.err());
        assertTrue(again.err().contains("DUPLICATE: the same bytes were already imported into dataset default by run "
                + runId + "; add --allow-duplicate to import them again"), again.err());
        assertTrue(!again.out().contains("part 1/"), "refused before any byte was uploaded: " + again.out());

        Result allowed = ingest(file.toString(), "--api", api, "--allow-duplicate", "--json");
        assertEquals(0, allowed.exitCode(), allowed.err());
        JsonNode second = allowed.lastLine();
        assertEquals("SUCCEEDED", second.path("status").asText(), second.toString());
        assertEquals(rows, second.path("stored").asLong(), second.toString());
        assertNotEquals(runId, second.path("runId").asText());
    }
}
