package dev.sluice.domain.csv;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** What commons-csv itself makes of a text: the oracle the scanners and the record reader are checked against. */
public final class CsvReference {
    public record Parsed(List<String> values, long line) {
    }

    private CsvReference() {
    }

    /** Records of {@code text}, each with the physical line of its first character (counted from firstLine). */
    public static List<Parsed> parse(String text, char delimiter, long firstLine) {
        return parse(text, delimiter, '"', firstLine);
    }

    public static List<Parsed> parse(String text, char delimiter, char quote, long firstLine) {
        List<Parsed> out = new ArrayList<>();
        try (CSVParser parser = CsvFormats.of(delimiter, quote).parse(new StringReader(text))) {
            for (CSVRecord record : parser) {
                int start = (int) record.getCharacterPosition();
                while (start < text.length() && (text.charAt(start) == '\r' || text.charAt(start) == '\n')) {
                    start++;
                }
                out.add(new Parsed(record.toList(), firstLine + terminatorsBefore(text, start)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public static long terminatorsBefore(String text, int end) {
        long count = 0;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == '\r' || (c == '\n' && (i == 0 || text.charAt(i - 1) != '\r'))) {
                count++;
            }
        }
        return count;
    }

    public static List<List<String>> values(List<Parsed> parsed) {
        return parsed.stream().map(Parsed::values).toList();
    }
}
