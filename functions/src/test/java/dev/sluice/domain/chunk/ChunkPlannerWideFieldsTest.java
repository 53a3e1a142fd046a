package dev.sluice.domain.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.domain.csv.CsvFormats;
import dev.sluice.domain.csv.Dialect;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/**
 * The planner skips plain field bytes eight at a time; these files put structural bytes at every offset inside
 * and across those eight-byte words, with long runs of plain and non-ASCII bytes, and compare with commons-csv.
 */
class ChunkPlannerWideFieldsTest {
    private static final String[] PIECES = {"a", "bcdefghij", "é€", ",", ",", "\"", "\"\"", "\r\n", "\n", "\r",
        "0123456789abcdefghij", " "};

    @Test
    void recordCountsAndLinesMatchCommonsCsvWhateverTheOffsets() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        for (int file = 0; file < 3000; file++) {
            StringBuilder text = new StringBuilder();
            int pieces = 1 + random.nextInt(40);
            for (int p = 0; p < pieces; p++) {
                text.append(PIECES[random.nextInt(PIECES.length)]);
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            Dialect dialect = new Dialect("UTF-8", 0, ',', '"', List.of("x"));
            List<PlannedChunk> chunks = new ArrayList<>();
            ChunkPlanner planner = new ChunkPlanner(dialect, 0, 1, 1 + random.nextInt(40), 1000, chunks::add);
            int at = 0;
            while (at < bytes.length) {
                int length = Math.min(bytes.length - at, 1 + random.nextInt(17));
                planner.feed(bytes, at, length);
                at += length;
            }
            PlanSummary summary = planner.finish();
            List<CSVRecord> expected;
            try (CSVParser parser = CsvFormats.of(dialect).parse(new StringReader(text.toString()))) {
                expected = parser.getRecords();
            }
            String where = "file " + file + ": " + text.toString().replace("\r", "\\r").replace("\n", "\\n");
            assertEquals(expected.size(), summary.records(), where);
            long next = 1;
            for (PlannedChunk chunk : chunks) {
                assertEquals(next, chunk.firstRecord(), where);
                next += chunk.recordCount();
            }
        }
    }
}
