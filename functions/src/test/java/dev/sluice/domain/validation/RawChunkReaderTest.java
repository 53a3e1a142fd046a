package dev.sluice.domain.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.mapping.Mapping;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RawChunkReaderTest {
    private static final List<String> HEADER = List.of("id", " Name ", "amount", "amount_2");

    /** Collects what the reader hands over, in order. */
    static final class Collected implements RecordSink {
        final List<RawRecord> kept = new ArrayList<>();
        final Map<Long, List<RowError>> rejected = new TreeMap<>();
        final List<Long> order = new ArrayList<>();

        @Override
        public void accept(ValidRecord record) {
            throw new AssertionError("a raw chunk yields no marketing record");
        }

        @Override
        public void accept(RawRecord record) {
            kept.add(record);
            order.add(record.recordNo());
        }

        @Override
        public void reject(long recordNo, long lineNo, List<RowError> errors) {
            rejected.put(recordNo, errors);
            order.add(recordNo);
        }
    }

    @Test
    void valuesAreTheExactStringsOfTheFileQuotesRemovedNothingTrimmed() {
        String data = "1, Ada ,\"1,234.50\",\" x \"\r\n"
                + "\r\n"
                + "2,\"two\r\nlines, \"\"quoted\"\"\",,\"\"\n"
                + "3,  ,007,=SUM(A1)\n";
        Collected out = read(data, 3, 10, 4);
        assertEquals(Map.of(), out.rejected);
        assertEquals(List.of("1", " Ada ", "1,234.50", " x "), out.kept.get(0).values());
        assertEquals(new RawRecord(10, 4, HEADER, List.of("1", " Ada ", "1,234.50", " x ")), out.kept.get(0));
        RawRecord second = out.kept.get(1);
        assertEquals(List.of("2", "two\r\nlines, \"quoted\"", "", ""), second.values());
        assertEquals(11, second.recordNo());
        assertEquals(6, second.lineNo(), "after a blank line");
        assertEquals(List.of("3", "  ", "007", "=SUM(A1)"), out.kept.get(2).values());
        assertEquals(8, out.kept.get(2).lineNo(), "the quoted line break counts as a line");
        assertTrue(out.kept.stream().allMatch(r -> r.names() == HEADER), "every record shares the header's names");
    }

    @Test
    void aShortRecordFillsTheMissingValuesWithEmptyStrings() {
        Collected out = read("1\n2,b\n3,c,d,e\n", 3, 1, 2);
        assertEquals(Map.of(), out.rejected);
        assertEquals(List.of("1", "", "", ""), out.kept.get(0).values());
        assertEquals(List.of("2", "b", "", ""), out.kept.get(1).values());
        assertEquals(List.of("3", "c", "d", "e"), out.kept.get(2).values());
    }

    @Test
    void aRecordWithMoreValuesThanTheHeaderIsAFieldCountErrorQuotingTheExtraValues() {
        Collected out = read("1,a,b,c,extra \"one\",two\n2,a,b,c,\n3,a,b,c,d,e,f,g,h,i,j\n4,a,b,c\n", 4, 7, 20);
        assertEquals(List.of(7L, 8L, 9L, 10L), out.order, "every record once, in file order");
        assertEquals(1, out.kept.size());
        RowError two = out.rejected.get(7L).get(0);
        assertEquals(RowErrorCode.FIELD_COUNT, two.code());
        assertEquals(null, two.column());
        assertEquals(20, two.lineNo());
        assertEquals("record 7 (line 20) has 6 values but the header has 4 columns; the extra values are "
                + "\"extra \"one\"\" and \"two\". Values beyond the header have no name to be stored under: quote a "
                + "value that contains the delimiter (comma), or add the missing column to the header",
                two.message());
        assertEquals("1,a,b,c,extra \"one\",two", two.rawExcerpt());
        String trailing = out.rejected.get(8L).get(0).message();
        assertTrue(trailing.contains("the extra value is \"\"") && trailing.contains("remove the delimiter at the end "
                + "of the line"), trailing);
        String many = out.rejected.get(9L).get(0).message();
        assertTrue(many.contains("\"d\", \"e\", \"f\", \"g\", \"h\" and 2 more"), many);
    }

    @Test
    void aNulCharacterIsInvalidTextNamingItsColumn() {
        Collected out = read("1,a\0b,c,d\n2,a,b,c\n", 2, 1, 2);
        RowError error = out.rejected.get(1L).get(0);
        assertEquals(RowErrorCode.INVALID_TEXT, error.code());
        assertEquals(" Name ", error.column());
        assertTrue(error.message().contains("NUL character (U+0000, byte 0x00) at character 2"), error.message());
        assertEquals(List.of("2", "a", "b", "c"), out.kept.get(0).values());
    }

    @Test
    void bytesThatAreNotTextInTheEncodingAreAnEncodingError() {
        byte[] bytes = "1,caf\u00e9,x,y\n2,ok,x,y\n".getBytes(StandardCharsets.ISO_8859_1);
        Collected out = new Collected();
        ChunkOutcome outcome = ChunkReader.read(new ByteArrayInputStream(bytes), chunk(bytes.length, 2, 1, 2), out);
        assertEquals(new ChunkOutcome(2, 1, 1), outcome);
        assertEquals(RowErrorCode.ENCODING, out.rejected.get(1L).get(0).code());
        assertEquals(List.of("2", "ok", "x", "y"), out.kept.get(0).values());
    }

    @Test
    void anUnclosedQuoteIsUnterminatedAsInAMarketingDataset() {
        Collected out = read("1,a,b,c\n2,\"open,b,c\n3,a,b,c\n", 2, 1, 2);
        assertEquals(RowErrorCode.UNTERMINATED_QUOTE, out.rejected.get(2L).get(0).code());
    }

    @Test
    void aChunkHoldingOtherThanItsPlannedRecordsFailsLoudly() {
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> read("1\n2\n", 3, 1, 2));
        assertTrue(error.getMessage().contains("planned with 3 records but 2 were read"), error.getMessage());
    }

    @Test
    void aMarketingSinkRefusesARawRecord() {
        RecordSink marketing = new RecordSink() {
            @Override
            public void accept(ValidRecord record) {
            }

            @Override
            public void reject(long recordNo, long lineNo, List<RowError> errors) {
            }
        };
        assertThrows(IllegalStateException.class,
                () -> marketing.accept(new RawRecord(1, 2, List.of("a"), List.of("x"))));
    }

    private static Collected read(String data, int records, long firstRecord, long firstLine) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        Collected out = new Collected();
        ChunkOutcome outcome = ChunkReader.read(new ByteArrayInputStream(bytes),
                chunk(bytes.length, records, firstRecord, firstLine), out);
        assertEquals(outcome.stored(), out.kept.size());
        assertEquals(outcome.rejected(), out.rejected.size());
        return out;
    }

    private static ChunkMessage chunk(int length, int records, long firstRecord, long firstLine) {
        return new ChunkMessage("run-1", "ds-raw", 1, "bucket", "uploads/o/run-1/raw.csv", 100, 100 + length,
                firstRecord, records, firstLine, new Dialect("UTF-8", 0, ',', '"', HEADER), new Mapping(Map.of()),
                NumberStyle.US, null, null, DatasetKind.RAW);
    }
}
