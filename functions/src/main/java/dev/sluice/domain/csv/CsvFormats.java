package dev.sluice.domain.csv;

import org.apache.commons.csv.CSVFormat;

/**
 * The commons-csv configuration that {@link RecordScanner} and {@link CsvRecordReader} mirror; the profiler parses
 * with it.
 */
public final class CsvFormats {
    private CsvFormats() {
    }

    /**
     * Quote as given, no escape character, no comment marker, spaces kept. Trailing data after a closing quote
     * is kept as part of the field (spreadsheet exports write {@code "10" kg}); a quote left open at the end of
     * the input yields one last record instead of an exception, so the reader can reject it by number.
     */
    public static CSVFormat of(char delimiter, char quote) {
        return CSVFormat.RFC4180.builder()
                .setDelimiter(delimiter)
                .setQuote(quote)
                .setIgnoreSurroundingSpaces(false)
                .setTrim(false)
                .setIgnoreEmptyLines(true)
                .setTrailingData(true)
                .setLenientEof(true)
                .setAllowMissingColumnNames(true)
                .get();
    }

    public static CSVFormat of(Dialect dialect) {
        return of(dialect.delimiter(), dialect.quote());
    }
}
