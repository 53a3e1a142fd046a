package dev.sluice.domain.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.domain.csv.CsvReference;
import dev.sluice.domain.csv.Dialect;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkPlannerTest {
    private static final String HEADER = "a,b,c\r\n";

    /**
     * Quoting and line-ending cases in one file, to cut at every size. What each case reads as is stated once for
     * every tokenizer in {@code csv-cases.json}; here the point is that no cut, anywhere, changes it.
     */
    private static final String DATA = String.join("",
            "1,plain,x\r\n",
            "2,\"quoted, with comma\",y\n",
            "\r\n",
            "3,\"multi\nline\r\nfield\",z\r",
            "4,\"doubled \"\"quotes\"\" here\",w\r\n",
            "\n\n",
            "5,\"closed\" trailing \"data\",v\n",
            "6,lit\"eral,u\r",
            "\r",
            "7,\"\",\"\"\"\"\n",
            "8,,\n",
            ",,\r\n",
            "9,\"ends with CR\r\",t\r\n",
            "\"10\",\"a\"\"\",\"\"\"b\"\n",
            "11,last,no-terminator");

    @ParameterizedTest
    @ValueSource(strings = {"UTF-8", "UTF-16LE", "UTF-16BE"})
    void everyTargetSizeAndEveryFeedSplitCutsAtRecordBoundaries(String encoding) {
        Charset charset = Charset.forName(encoding);
        byte[] header = HEADER.getBytes(charset);
        byte[] data = DATA.getBytes(charset);
        byte[] file = concat(header, data);
        Dialect dialect = new Dialect(encoding, 0, ',', '"', List.of("a", "b", "c"));
        List<CsvReference.Parsed> expected = CsvReference.parse(DATA, ',', 2);
        assertEquals(12, expected.size(), "the reference parse itself");

        for (int target = 1; target <= data.length + 1; target++) {
            for (int feedSize : new int[] {1, 2, 3, 7, file.length}) {
                List<PlannedChunk> chunks = plan(dialect, file, header.length, 2, target, Integer.MAX_VALUE,
                        feedSize);
                assertChunksMatch(expected, chunks, file, header.length, charset, ',',
                        "target " + target + ", feed " + feedSize);
            }
        }
    }

    @Test
    void maxRecordsPerChunkCapsEveryChunk() {
        byte[] data = DATA.getBytes(StandardCharsets.UTF_8);
        Dialect dialect = new Dialect("UTF-8", 0, ',', '"', List.of("a", "b", "c"));
        List<CsvReference.Parsed> expected = CsvReference.parse(DATA, ',', 1);
        for (int max = 1; max <= 14; max++) {
            List<PlannedChunk> chunks = plan(dialect, data, 0, 1, Long.MAX_VALUE, max, 5);
            for (PlannedChunk chunk : chunks.subList(0, chunks.size() - 1)) {
                assertEquals(max, chunk.recordCount());
            }
            assertChunksMatch(expected, chunks, data, 0, StandardCharsets.UTF_8, ',', "max " + max);
        }
    }

    @Test
    void summaryCountsRecordsLinesAndBytes() {
        byte[] data = DATA.getBytes(StandardCharsets.UTF_8);
        Dialect dialect = new Dialect("UTF-8", 0, ',', '"', List.of("a", "b", "c"));
        ChunkPlanner planner = new ChunkPlanner(dialect, 100, 2, 40, 1000, chunk -> { });
        planner.feed(data, 0, data.length);
        PlanSummary summary = planner.finish();
        assertEquals(12, summary.records());
        assertEquals(data.length, summary.bytes());
        assertEquals(CsvReference.terminatorsBefore(DATA, DATA.length()) + 1, summary.lines());
        assertTrue(summary.chunks() > 1);
    }

    @Test
    void blankLinesAtTheEndMakeNoEmptyChunk() {
        byte[] data = "1,a,b\n\n\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        Dialect dialect = new Dialect("UTF-8", 0, ',', '"', List.of("a", "b", "c"));
        List<PlannedChunk> chunks = plan(dialect, data, 0, 2, 1, 1, 1);
        assertEquals(List.of(new PlannedChunk(1, 0, data.length, 1, 1, 2)), chunks);
    }

    @Test
    void onlyBlankLinesMakeNoChunkAtAll() {
        byte[] data = "\n\r\n\r".getBytes(StandardCharsets.UTF_8);
        Dialect dialect = new Dialect("UTF-8", 0, ',', '"', List.of("a"));
        ChunkPlanner planner = new ChunkPlanner(dialect, 0, 2, 1, 1, chunk -> {
            throw new AssertionError("no chunk expected, got " + chunk);
        });
        planner.feed(data, 0, data.length);
        assertEquals(new PlanSummary(0, 0, 3, 4), planner.finish());
    }

    @Test
    void leadingBlankLinesStayInTheFirstChunkButItsFirstLineIsTheRecords() {
        byte[] data = "\n\n1,a,b\n".getBytes(StandardCharsets.UTF_8);
        Dialect dialect = new Dialect("UTF-8", 0, ',', '"', List.of("a", "b", "c"));
        assertEquals(List.of(new PlannedChunk(1, 10, 10 + data.length, 1, 1, 7)),
                plan(dialect, concat(new byte[10], data), 10, 5, 1000, 1000, 3));
    }

    @Test
    void rejectsUselessSettings() {
        Dialect dialect = new Dialect("UTF-8", 0, ',', '"', List.of("a"));
        assertThrows(IllegalArgumentException.class, () -> new ChunkPlanner(dialect, 0, 1, 0, 1, c -> { }));
        assertThrows(IllegalArgumentException.class, () -> new ChunkPlanner(dialect, 0, 1, 1, 0, c -> { }));
        assertThrows(IllegalArgumentException.class, () -> new ChunkPlanner(dialect, 0, 0, 1, 1, c -> { }));
        ChunkPlanner planner = new ChunkPlanner(dialect, 0, 1, 1, 1, c -> { });
        planner.finish();
        assertThrows(IllegalStateException.class, () -> planner.feed(new byte[1], 0, 1));
    }

    /** Random small files over the characters that matter: the planner must count what commons-csv parses. */
    @Test
    void fuzzAgainstCommonsCsv() {
        Random random = new Random(20240601L);
        char[] alphabet = {'a', 'b', ',', ';', '"', '"', '\r', '\n', '\n', ' ', 'é'};
        Charset[] charsets = {StandardCharsets.UTF_8, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE};
        for (int round = 0; round < 30_000; round++) {
            int length = random.nextInt(40);
            StringBuilder text = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String data = text.toString();
            char delimiter = random.nextBoolean() ? ',' : ';';
            Charset charset = charsets[random.nextInt(charsets.length)];
            byte[] bytes = data.getBytes(charset);
            Dialect dialect = new Dialect(charset.name(), 0, delimiter, '"', List.of("h"));
            int target = 1 + random.nextInt(Math.max(1, bytes.length));
            int maxRecords = 1 + random.nextInt(5);
            int feed = 1 + random.nextInt(8);
            List<CsvReference.Parsed> expected = CsvReference.parse(data, delimiter, 1);
            List<PlannedChunk> chunks = plan(dialect, bytes, 0, 1, target, maxRecords, feed);
            assertChunksMatch(expected, chunks, bytes, 0, charset, delimiter,
                    "round " + round + " " + charset + " delimiter " + delimiter + " text "
                            + data.replace("\r", "\\r").replace("\n", "\\n"));
        }
    }

    static List<PlannedChunk> plan(Dialect dialect, byte[] file, int dataStart, long dataStartLine, long target,
            int maxRecords, int feedSize) {
        List<PlannedChunk> chunks = new ArrayList<>();
        ChunkPlanner planner = new ChunkPlanner(dialect, dataStart, dataStartLine, target, maxRecords, chunks::add);
        for (int at = dataStart; at < file.length; at += feedSize) {
            planner.feed(file, at, Math.min(feedSize, file.length - at));
        }
        PlanSummary summary = planner.finish();
        assertEquals(chunks.size(), summary.chunks());
        assertEquals(chunks.stream().mapToLong(PlannedChunk::recordCount).sum(), summary.records());
        return chunks;
    }

    static void assertChunksMatch(List<CsvReference.Parsed> expected, List<PlannedChunk> chunks, byte[] file,
            int dataStart, Charset charset, char delimiter, String context) {
        long nextStart = dataStart;
        long nextRecord = 1;
        for (int i = 0; i < chunks.size(); i++) {
            PlannedChunk chunk = chunks.get(i);
            assertEquals(i + 1, chunk.chunkNo(), context);
            assertEquals(nextStart, chunk.startByte(), context + ": chunks must be contiguous");
            assertEquals(nextRecord, chunk.firstRecord(), context);
            String text = new String(file, (int) chunk.startByte(), (int) (chunk.endByte() - chunk.startByte()),
                    charset);
            List<CsvReference.Parsed> alone = CsvReference.parse(text, delimiter, 1);
            List<CsvReference.Parsed> slice = expected.subList((int) chunk.firstRecord() - 1,
                    (int) Math.min(expected.size(), chunk.firstRecord() - 1 + chunk.recordCount()));
            assertEquals(CsvReference.values(slice), CsvReference.values(alone),
                    context + ": chunk " + chunk + " re-parsed alone");
            assertEquals(chunk.recordCount(), alone.size(), context);
            assertEquals(slice.get(0).line(), chunk.firstLine(), context + ": firstLine of " + chunk);
            nextStart = chunk.endByte();
            nextRecord += chunk.recordCount();
        }
        if (!chunks.isEmpty()) {
            assertEquals(file.length, nextStart, context + ": chunks must cover the data");
        }
        assertEquals(expected.size(), nextRecord - 1, context + ": records in all chunks");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
