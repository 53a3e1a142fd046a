package dev.sluice.domain.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.domain.chunk.ChunkPlanner;
import dev.sluice.domain.chunk.PlanSummary;
import dev.sluice.domain.chunk.PlannedChunk;
import dev.sluice.domain.validation.LoaderDecoding;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every case of {@code csv-cases.json} against every tokenizer: what one reads, all must read. The cases are
 * stated once there instead of once per tokenizer; the fuzz tests beside each tokenizer check them against
 * commons-csv on random input.
 */
class CsvSpecTest {
    private static final List<Charset> CHARSETS = List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16LE,
            StandardCharsets.UTF_16BE, Charset.forName("windows-1252"));

    /** A case of the spec file. {@code openQuoteLine} is 0 for a record whose quotes are all closed. */
    record Case(String name, String input, char delimiter, char quote, boolean bom, List<Expected> records) {
    }

    record Expected(List<String> fields, long line, long openQuoteLine) {
    }

    /**
     * A record as one tokenizer reports it. Scanners find boundaries only: their {@code fields} are null, and a
     * planner cannot count fields either ({@code fieldCount} -1). {@code openQuoteLine} is null when the tokenizer
     * does not tell.
     */
    record Read(List<String> fields, int fieldCount, long line, Long openQuoteLine) {
    }

    @TestFactory
    Stream<DynamicNode> everyTokenizerReadsEveryCaseAlike() throws IOException {
        return cases().stream().map(spec -> DynamicContainer.dynamicContainer(spec.name(), tokenizers(spec)));
    }

    private static Stream<DynamicNode> tokenizers(Case spec) {
        List<DynamicNode> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("commons-csv (the profiler's header and number style)",
                () -> check(spec, commonsCsv(spec))));
        for (int step : new int[] {1, 3, Integer.MAX_VALUE}) {
            tests.add(DynamicTest.dynamicTest("CsvRecordReader over text, " + step + " chars a read",
                    () -> check(spec, recordReader(new Trickle(spec.input(), step), spec))));
        }
        for (Charset charset : CHARSETS) {
            if (!encodable(spec, charset)) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest("CsvRecordReader over the loader's decoding of " + charset,
                    () -> check(spec, recordReader(LoaderDecoding.of(data(spec, charset), charset), spec))));
            for (int feed : new int[] {1, 3, Integer.MAX_VALUE}) {
                String fed = feed == Integer.MAX_VALUE ? "at once" : feed + " bytes a feed";
                tests.add(DynamicTest.dynamicTest("RecordScanner over " + charset + ", " + fed,
                        () -> check(spec, scan(spec, charset, feed).reads())));
                tests.add(DynamicTest.dynamicTest("ChunkPlanner over " + charset + ", " + fed,
                        () -> check(spec, plan(spec, charset, feed))));
            }
        }
        return tests.stream();
    }

    private static void check(Case spec, List<Read> actual) {
        List<Expected> expected = spec.records();
        assertEquals(expected.size(), actual.size(), "records of " + actual);
        for (int i = 0; i < expected.size(); i++) {
            Expected want = expected.get(i);
            Read got = actual.get(i);
            String which = "record " + (i + 1) + " " + got;
            assertEquals(want.line(), got.line(), which + ": line");
            if (got.fieldCount() >= 0) {
                assertEquals(want.fields().size(), got.fieldCount(), which + ": field count");
            }
            if (got.fields() != null) {
                assertEquals(want.fields(), got.fields(), which + ": fields");
            }
            if (got.openQuoteLine() != null) {
                assertEquals(want.openQuoteLine(), got.openQuoteLine(), which + ": line of the quote left open");
            }
        }
    }

    // ------------------------------------------------------------------------------------------- tokenizers

    private static List<Read> commonsCsv(Case spec) {
        return CsvReference.parse(spec.input(), spec.delimiter(), spec.quote(), 1).stream()
                .map(parsed -> new Read(parsed.values(), parsed.values().size(), parsed.line(), null))
                .toList();
    }

    private static List<Read> recordReader(Reader text, Case spec) throws IOException {
        CsvRecordReader reader = new CsvRecordReader(text, spec.delimiter(), spec.quote(), 1, Integer.MAX_VALUE);
        List<Read> out = new ArrayList<>();
        while (reader.next()) {
            List<String> fields = new ArrayList<>();
            for (int i = 0; i < reader.size(); i++) {
                fields.add(reader.get(i));
            }
            out.add(new Read(fields, reader.size(), reader.line(),
                    reader.unterminated() ? reader.quoteOpenedOnLine() : 0L));
        }
        return out;
    }

    /** The records a scanner found: where each starts, and the physical lines it counted in all. */
    private record Scanned(List<Read> reads, List<Long> starts, long lines) {
    }

    private static Scanned scan(Case spec, Charset charset, int feed) {
        byte[] bytes = bytes(spec, charset);
        int from = bomLength(spec, charset);
        List<Read> reads = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        Scanned scanned = new RecordScanner(spec.delimiter(), spec.quote(),
                RecordScanner.Units.of(charset.name()), 1) {
            private long line;

            @Override
            protected void recordStarted(long position, long line) {
                starts.add(position);
                this.line = line;
            }

            @Override
            protected void recordEnded(long endPosition, int fieldCount) {
                reads.add(new Read(null, fieldCount, line, null));
            }

            Scanned run() {
                for (int at = from; at < bytes.length; at += Math.min(feed, bytes.length - at)) {
                    scan(bytes, at, Math.min(feed, bytes.length - at), at);
                }
                endOfInput(bytes.length);
                return new Scanned(reads, starts, physicalLines());
            }
        }.run();
        assertEquals(lines(spec.input()), scanned.lines(), "physical lines");
        return scanned;
    }

    /**
     * One record per chunk: each chunk's first line is its record's, chunks are contiguous, and each cut falls
     * where the scanner saw its record start.
     */
    private static List<Read> plan(Case spec, Charset charset, int feed) {
        byte[] bytes = bytes(spec, charset);
        int from = bomLength(spec, charset);
        Dialect dialect = new Dialect(charset.name(), from, spec.delimiter(), spec.quote(), List.of("h"));
        List<PlannedChunk> chunks = new ArrayList<>();
        ChunkPlanner planner = new ChunkPlanner(dialect, from, 1, 1, 1, chunks::add);
        for (int at = from; at < bytes.length; at += Math.min(feed, bytes.length - at)) {
            planner.feed(bytes, at, Math.min(feed, bytes.length - at));
        }
        PlanSummary summary = planner.finish();
        assertEquals(lines(spec.input()), summary.lines(), "physical lines");
        List<Long> starts = scan(spec, charset, Integer.MAX_VALUE).starts();
        long next = from;
        List<Read> reads = new ArrayList<>();
        for (PlannedChunk chunk : chunks) {
            assertEquals(1, chunk.recordCount(), chunk.toString());
            assertEquals(next, chunk.startByte(), "chunks are contiguous: " + chunk);
            if (chunk.chunkNo() > 1) {
                assertEquals(starts.get(chunk.chunkNo() - 1), chunk.startByte(), "cut where the record starts");
            }
            next = chunk.endByte();
            reads.add(new Read(null, -1, chunk.firstLine(), null));
        }
        if (!chunks.isEmpty()) {
            assertEquals(bytes.length, next, "the chunks cover the data");
        }
        assertEquals(chunks.size(), summary.records());
        return reads;
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** Line terminators ({@code \n}, {@code \r\n}, lone {@code \r}), and one for a last line without one. */
    private static long lines(String text) {
        long count = CsvReference.terminatorsBefore(text, text.length());
        boolean openLastLine = !text.isEmpty() && text.charAt(text.length() - 1) != '\n'
                && text.charAt(text.length() - 1) != '\r';
        return count + (openLastLine ? 1 : 0);
    }

    private static boolean encodable(Case spec, Charset charset) {
        boolean hasBom = charset.name().startsWith("UTF");
        return charset.newEncoder().canEncode(spec.input()) && (!spec.bom() || hasBom);
    }

    private static int bomLength(Case spec, Charset charset) {
        if (!spec.bom()) {
            return 0;
        }
        return charset.equals(StandardCharsets.UTF_8) ? 3 : 2;
    }

    /** The input as a file in {@code charset}, after its byte-order mark when the case has one. */
    private static byte[] bytes(Case spec, Charset charset) {
        byte[] text = spec.input().getBytes(charset);
        if (!spec.bom()) {
            return text;
        }
        byte[] mark = charset.equals(StandardCharsets.UTF_8) ? new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}
                : charset.equals(StandardCharsets.UTF_16LE) ? new byte[] {(byte) 0xFF, (byte) 0xFE}
                : new byte[] {(byte) 0xFE, (byte) 0xFF};
        byte[] file = new byte[mark.length + text.length];
        System.arraycopy(mark, 0, file, 0, mark.length);
        System.arraycopy(text, 0, file, mark.length, text.length);
        return file;
    }

    /** What a loader reads: the file's bytes from where the profiler said the text starts. */
    private static InputStream data(Case spec, Charset charset) {
        byte[] bytes = bytes(spec, charset);
        int from = bomLength(spec, charset);
        return new ByteArrayInputStream(bytes, from, bytes.length - from);
    }

    static List<Case> cases() throws IOException {
        JsonNode root;
        try (InputStream in = CsvSpecTest.class.getResourceAsStream("/csv-cases.json")) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("csv-cases.json is not on the test classpath"));
            }
            root = new ObjectMapper().readTree(in);
        }
        List<Case> cases = new ArrayList<>();
        for (JsonNode node : root.path("cases")) {
            List<Expected> records = new ArrayList<>();
            for (JsonNode record : node.path("records")) {
                List<String> fields = new ArrayList<>();
                record.path("fields").forEach(field -> fields.add(field.asText()));
                records.add(new Expected(fields, record.path("line").asLong(), record.path("openQuoteLine").asLong()));
            }
            cases.add(new Case(node.path("name").asText(), node.path("input").asText(),
                    oneChar(node, "delimiter"), oneChar(node, "quote"), node.path("bom").asBoolean(), records));
        }
        assertTrue(cases.size() >= 30, "the spec file holds its cases: " + cases.size());
        return cases;
    }

    private static char oneChar(JsonNode node, String field) {
        String value = node.path(field).asText();
        assertEquals(1, value.length(), node.path("name").asText() + ": " + field + " is one character");
        return value.charAt(0);
    }
}
