package dev.sluice.domain.csv;

import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.Mapping;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Decides a file's {@link NumberStyle} by votes from the mapped numeric columns of the records in the prefix:
 * {@code 1,234.56} or {@code 12.5} vote US, {@code 1.234,56} or {@code 0,75} vote EUROPEAN, {@code 1,234} and
 * {@code 1.234} do not vote. The majority wins; with no votes or a tie, a semicolon-delimited file is taken as
 * EUROPEAN (spreadsheets pick {@code ;} exactly where the comma is the decimal mark) and any other as US.
 */
final class NumberStyleDetector {
    private static final int STYLE_SAMPLE_RECORDS = 2000;
    private static final List<CanonicalField> NUMERIC_FIELDS = List.of(
            CanonicalField.SPEND, CanonicalField.CONVERSIONS, CanonicalField.CLICKS, CanonicalField.IMPRESSIONS);

    private NumberStyleDetector() {
    }

    static NumberStyle detect(String data, boolean complete, char delimiter, char quote, List<String> header,
            Mapping mapping) {
        List<Integer> indexes = new ArrayList<>();
        for (CanonicalField field : NUMERIC_FIELDS) {
            mapping.headerFor(field).ifPresent(column -> indexes.add(header.indexOf(column)));
        }
        int us = 0;
        int european = 0;
        if (!indexes.isEmpty()) {
            try (CSVParser parser = CsvFormats.of(delimiter, quote).parse(new StringReader(data))) {
                int seen = 0;
                CSVRecord previous = null;
                for (CSVRecord record : parser) {
                    // The prefix may end inside the last record; only records known to be whole vote.
                    if (previous != null) {
                        int vote = vote(previous, indexes);
                        us += vote > 0 ? vote : 0;
                        european += vote < 0 ? -vote : 0;
                    }
                    previous = record;
                    if (++seen > STYLE_SAMPLE_RECORDS) {
                        previous = null;
                        break;
                    }
                }
                if (previous != null && complete) {
                    int vote = vote(previous, indexes);
                    us += vote > 0 ? vote : 0;
                    european += vote < 0 ? -vote : 0;
                }
            } catch (IOException | UncheckedIOException e) {
                // A prefix that ends inside an open quote: the votes so far are all there is.
            }
        }
        if (us != european) {
            return us > european ? NumberStyle.US : NumberStyle.EUROPEAN;
        }
        return delimiter == ';' ? NumberStyle.EUROPEAN : NumberStyle.US;
    }

    /** Positive: votes for US; negative: votes for EUROPEAN. */
    private static int vote(CSVRecord record, List<Integer> indexes) {
        int vote = 0;
        for (int index : indexes) {
            if (index < record.size()) {
                vote += styleEvidence(record.get(index));
            }
        }
        return vote;
    }

    /** +1 if the value can only be US style, -1 if only European, 0 if it could be either or is no number. */
    static int styleEvidence(String value) {
        int lastPoint = -1;
        int lastComma = -1;
        int points = 0;
        int commas = 0;
        int digits = 0;
        StringBuilder kept = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
                kept.append(c);
            } else if (c == '.') {
                points++;
                lastPoint = kept.length();
                kept.append(c);
            } else if (c == ',') {
                commas++;
                lastComma = kept.length();
                kept.append(c);
            }
        }
        if (digits == 0 || (points == 0 && commas == 0)) {
            return 0;
        }
        if (points > 0 && commas > 0) {
            return lastPoint > lastComma ? 1 : -1;
        }
        boolean point = points > 0;
        if ((point ? points : commas) > 1) {
            return point ? -1 : 1; // a repeated separator can only group thousands
        }
        int at = point ? lastPoint : lastComma;
        int after = kept.length() - at - 1;
        int before = at;
        boolean cannotGroup = after != 3 || before == 0 || before > 3 || kept.charAt(0) == '0';
        if (!cannotGroup) {
            return 0;
        }
        return point ? 1 : -1;
    }
}
