package dev.sluice.domain.csv;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** The first data records of a file's prefix, for the mapping suggestion to look at their values. */
final class SampleRows {
    private SampleRows() {
    }

    /**
     * @param data     the decoded text after the header
     * @param complete true when the text runs to the end of the file, so its last record is whole
     * @param max      most records returned
     */
    static List<List<String>> of(String data, boolean complete, char delimiter, char quote, int max) {
        List<List<String>> rows = new ArrayList<>();
        boolean whole = complete;
        try (CSVParser parser = CsvFormats.of(delimiter, quote).parse(new StringReader(data))) {
            for (CSVRecord record : parser) {
                if (rows.size() == max) {
                    whole = true; // another record started, so the last one kept ended
                    break;
                }
                rows.add(record.toList());
            }
        } catch (IOException | UncheckedIOException e) {
            whole = false; // a prefix that ends inside an open quote
        }
        // The prefix may end inside the last record: its values are not looked at.
        if (!whole && !rows.isEmpty()) {
            rows.remove(rows.size() - 1);
        }
        return rows;
    }
}
