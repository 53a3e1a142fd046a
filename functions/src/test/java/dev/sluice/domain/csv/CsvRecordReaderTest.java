package dev.sluice.domain.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What only the record reader does: values past the record limit, end positions, settings, and agreement with
 * commons-csv on random text. How records and fields are split is stated once for every tokenizer, in
 * {@code csv-cases.json} ({@link CsvSpecTest}).
 */
class CsvRecordReaderTest {
    private record Read(List<String> values, long line, boolean unterminated, long quoteLine, boolean tooLong,
            long chars) {
    }

    private static List<Read> readAll(Reader in, char delimiter, long firstLine, int maxRecordChars)
            throws IOException {
        CsvRecordReader reader = new CsvRecordReader(in, delimiter, '"', firstLine, maxRecordChars);
        List<Read> out = new ArrayList<>();
        while (reader.next()) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < reader.size(); i++) {
                values.add(reader.get(i));
            }
            out.add(new Read(values, reader.line(), reader.unterminated(), reader.quoteOpenedOnLine(),
                    reader.tooLong(), reader.recordChars()));
        }
        assertFalse(reader.next(), "the end of input stays the end");
        return out;
    }

    @Test
    void aRecordPastTheLimitIsReadToItsEndButKeepsOnlyTheLimitOfItsValues() throws IOException {
        List<Read> records = readAll(new Trickle("abc,\"de\"\"f\ng\",hijkl\nx,y\n", 3), ',', 1, 8);
        assertTrue(records.get(0).tooLong());
        assertEquals(14, records.get(0).chars(), "abc + de\"f\ng + hijkl");
        assertEquals("abcde\"f\n", String.join("", records.get(0).values()));
        assertEquals(List.of("x", "y"), records.get(1).values());
        assertFalse(records.get(1).tooLong());
        assertEquals(3, records.get(1).line());
    }

    @Test
    void endPositionIsPastEachRecordsTerminator() throws IOException {
        CsvRecordReader reader = new CsvRecordReader(new StringReader("ab,c\r\n\r\nd\n"), ',', '"', 1, 100);
        assertTrue(reader.next());
        assertEquals(6, reader.endPosition());
        assertTrue(reader.next());
        assertEquals(10, reader.endPosition());
        assertFalse(reader.next());
    }

    @Test
    void rejectsAmbiguousSettingsAndOutOfRangeFields() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> new CsvRecordReader(new StringReader(""), '"', '"', 1, 9));
        assertThrows(IllegalArgumentException.class, () -> new CsvRecordReader(new StringReader(""), '\n', '"', 1, 9));
        assertThrows(IllegalArgumentException.class, () -> new CsvRecordReader(new StringReader(""), ',', '"', 1, 0));
        CsvRecordReader reader = new CsvRecordReader(new StringReader("a,b"), ',', '"', 1, 9);
        assertTrue(reader.next());
        assertThrows(IndexOutOfBoundsException.class, () -> reader.get(2));
    }

    /**
     * Random text over the characters that matter, fed a few chars at a time: values and lines must be what
     * commons-csv reads with the settings the rest of Sluice uses.
     */
    @Test
    void fuzzAgainstCommonsCsv() throws IOException {
        Random random = new Random(20261123L);
        char[] alphabet = {'a', 'b', ',', ';', '\t', '"', '"', '\r', '\n', '\n', ' ', 'é', '|'};
        char[] delimiters = {',', ';', '\t', '|'};
        for (int round = 0; round < 30_000; round++) {
            int length = random.nextInt(48);
            StringBuilder text = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String data = text.toString();
            char delimiter = delimiters[random.nextInt(delimiters.length)];
            String context = "round " + round + " delimiter " + (int) delimiter + " text "
                    + data.replace("\r", "\\r").replace("\n", "\\n");
            List<CsvReference.Parsed> expected = CsvReference.parse(data, delimiter, 1);
            int limit = 1 + random.nextInt(30);
            List<Read> actual = readAll(new Trickle(data, 1 + random.nextInt(6)), delimiter, 1, limit);
            assertEquals(expected.size(), actual.size(), context);
            for (int i = 0; i < expected.size(); i++) {
                String whole = String.join("", expected.get(i).values());
                Read read = actual.get(i);
                assertEquals(whole.length(), read.chars(), context);
                assertEquals(whole.length() > limit, read.tooLong(), context);
                if (read.tooLong()) {
                    assertEquals(whole.substring(0, limit), String.join("", read.values()), context);
                } else {
                    assertEquals(expected.get(i).values(), read.values(), context);
                }
            }
            assertEquals(expected.stream().map(CsvReference.Parsed::line).toList(),
                    actual.stream().map(Read::line).toList(), context);
            boolean endsInOpenQuote = !actual.isEmpty() && actual.getLast().unterminated();
            assertEquals(endsInsideQuotes(data, delimiter), endsInOpenQuote, context);
        }
    }

    /** An independent, char-at-a-time statement of when the input ends inside an opened quoted field. */
    private static boolean endsInsideQuotes(String text, char delimiter) {
        boolean fieldStart = true;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        i++;
                    } else {
                        quoted = false;
                    }
                }
            } else if (fieldStart && c == '"') {
                quoted = true;
                fieldStart = false;
            } else {
                fieldStart = c == delimiter || c == '\r' || c == '\n';
            }
        }
        return quoted;
    }
}
