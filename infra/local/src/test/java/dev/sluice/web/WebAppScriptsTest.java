package dev.sluice.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.domain.csv.CsvFormats;
import dev.sluice.domain.csv.FileProfile;
import dev.sluice.domain.csv.FileProfiler;
import dev.sluice.domain.csv.FileRejectedException;
import dev.sluice.domain.mapping.HeaderMatcher;
import dev.sluice.local.TestDirs;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web app's browser-side code under Node: its unit tests ({@code web/test/unit}, {@code node --test}), and its CSV
 * preview checked against the server — for every sample file and for generated files (fixed seed), the encoding,
 * delimiter, header and suggested mapping equal {@link FileProfiler}'s and the records equal commons-csv's with the
 * server's {@link CsvFormats}.
 */
class WebAppScriptsTest {
    private static final Path REPO = TestDirs.repoRoot();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void needsNode() {
        Assumptions.assumeTrue(run(List.of("node", "--version"), REPO).exitCode == 0, "needs Node.js 18+");
    }

    @Test
    void theUnitTestsOfTheBrowserCodePass() {
        Result result = run(List.of("node", "--test", "unit/"), REPO.resolve("web/test"));
        assertEquals(0, result.exitCode, result.output);
        assertTrue(result.output.contains("# fail 0") && !result.output.contains("# pass 0"), result.output);
    }

    @Test
    void thePreviewReadsEverySampleFileAsTheServerDoes() throws Exception {
        List<Path> files;
        try (Stream<Path> list = Files.list(REPO.resolve("samplecsv"))) {
            files = list.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        compare(files);
    }

    @Test
    void thePreviewReadsGeneratedFilesAsTheServerDoes(@TempDir Path dir) throws Exception {
        Random random = new Random(20261202);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            Path file = dir.resolve("generated-" + i + ".csv");
            Files.write(file, generate(random));
            files.add(file);
        }
        compare(files);
    }

    private static void compare(List<Path> files) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "preview-cli.mjs"));
        files.forEach(f -> command.add(f.toString()));
        Result result = run(command, REPO.resolve("web/test"));
        assertEquals(0, result.exitCode, result.output);
        String[] lines = result.output.strip().split("\n");
        assertEquals(files.size(), lines.length, result.output);
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            JsonNode preview = JSON.readTree(lines[i]);
            String name = file.getFileName().toString();
            byte[] bytes = Files.readAllBytes(file);
            FileProfile profile;
            try {
                profile = FileProfiler.profile(bytes, bytes.length, true, null);
            } catch (FileRejectedException e) {
                if (e.code().equals(FileRejectedException.MISSING_COLUMNS)) {
                    // The header is still readable; the preview must show it and its (incomplete) mapping.
                    List<String> header = strings(preview.get("header"));
                    assertEquals(suggestion(header), mapping(preview.get("mapping")), name + ": mapping");
                    continue;
                }
                assertTrue(!preview.get("problem").isNull(), name + ": the server rejects it (" + e.getMessage()
                        + ") and the preview says so: " + preview);
                continue;
            }
            assertTrue(preview.get("problem").isNull(), () -> name + ": " + preview);
            assertEquals(profile.dialect().encoding(), preview.get("encoding").asText(), name + ": encoding");
            assertEquals(String.valueOf(profile.dialect().delimiter()), preview.get("delimiter").asText(),
                    name + ": delimiter");
            assertEquals(profile.dialect().header(), strings(preview.get("header")), name + ": header");
            assertEquals(suggestion(profile.dialect().header()), mapping(preview.get("mapping")), name + ": mapping");
            assertEquals(records(bytes, profile), records(preview.get("records")), name + ": records");
        }
    }

    /**
     * Data records as commons-csv reads them with the server's format, from the profile's data start (after any
     * sep= line, preamble and the header), blank lines skipped.
     */
    private static List<List<String>> records(byte[] bytes, FileProfile profile) throws IOException {
        Charset charset = Charset.forName(profile.dialect().encoding());
        int start = (int) profile.dataStartByte();
        String text = new String(bytes, start, bytes.length - start, charset);
        List<List<String>> records = new ArrayList<>();
        for (CSVRecord record : CsvFormats.of(profile.dialect()).parse(new StringReader(text))) {
            records.add(record.toList());
        }
        return records;
    }

    private static List<List<String>> records(JsonNode node) {
        List<List<String>> records = new ArrayList<>();
        node.forEach(r -> records.add(strings(r)));
        return records;
    }

    private static Map<String, String> suggestion(List<String> header) {
        Map<String, String> map = new HashMap<>();
        HeaderMatcher.suggest(header).columns().forEach((field, column) -> map.put(field.fieldName(), column));
        return map;
    }

    private static Map<String, String> mapping(JsonNode node) {
        Map<String, String> map = new HashMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        node.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static final String[] HEADER_NAMES = {"Date", "day", "REPORTING STARTS", "Campaign", "campaign name",
        "Channel", "Source / medium", "source", "Platform", "Amount spent (EUR)", "Cost", "Media-Cost", "Clicks",
        "Link clicks", "Conv.", "Results", "Impr.", "Impressions", "Ad group", "Notes", " Date ", "", "Clicks", "Été"};
    private static final String[] VALUES = {"2024-03-01", "Brand", "Café crème", "1,234.56", "12", "", " padded ",
        "a\"b", "=1+2", "-5", "x;y", "p|q", "tab\there", "line\nbreak", "cr\rbreak", "\"quoted\"", "€ 12,50"};
    private static final String[] DELIMITERS = {",", ";", "\t", "|"};
    private static final String[] LINE_ENDS = {"\n", "\r\n", "\r"};

    /** A file of random shape: header names, delimiter, line ends, quoting, blank lines, encoding. */
    private static byte[] generate(Random random) {
        String delimiter = DELIMITERS[random.nextInt(DELIMITERS.length)];
        String lineEnd = LINE_ENDS[random.nextInt(LINE_ENDS.length)];
        int columns = 2 + random.nextInt(6);
        StringBuilder text = new StringBuilder();
        List<String> header = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            header.add(HEADER_NAMES[random.nextInt(HEADER_NAMES.length)]);
        }
        appendRecord(text, header, delimiter, random);
        int rows = random.nextInt(12);
        for (int r = 0; r < rows; r++) {
            text.append(lineEnd);
            if (random.nextInt(8) == 0) {
                text.append(lineEnd); // a blank line
            }
            List<String> row = new ArrayList<>();
            int fields = random.nextInt(10) == 0 ? columns + random.nextInt(3) - 1 : columns;
            for (int c = 0; c < Math.max(1, fields); c++) {
                row.add(VALUES[random.nextInt(VALUES.length)]);
            }
            appendRecord(text, row, delimiter, random);
        }
        if (random.nextBoolean()) {
            text.append(lineEnd);
        }
        String content = text.toString();
        return switch (random.nextInt(5)) {
            case 0 -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                    content.getBytes(StandardCharsets.UTF_8));
            case 1 -> concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, content.getBytes(StandardCharsets.UTF_16LE));
            case 2 -> concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, content.getBytes(StandardCharsets.UTF_16BE));
            case 3 -> content.getBytes(Charset.forName("windows-1252"));
            default -> content.getBytes(StandardCharsets.UTF_8);
        };
    }

    private static void appendRecord(StringBuilder text, List<String> values, String delimiter, Random random) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                text.append(delimiter);
            }
            String value = values.get(i);
            boolean mustQuote = value.contains(delimiter) || value.contains("\"") || value.contains("\n")
                    || value.contains("\r");
            if (mustQuote || random.nextInt(6) == 0) {
                text.append('"').append(value.replace("\"", "\"\"")).append('"');
            } else {
                text.append(value);
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, Path directory) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return new Result(-1, "timed out: " + output);
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }
}
