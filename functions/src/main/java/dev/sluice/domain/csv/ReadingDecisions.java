package dev.sluice.domain.csv;

import java.util.List;

/**
 * Every decision the profiler took about how to read a file, as the run records and shows it ({@code
 * file.decisions}), so a user can see why a value was read as it was and pin a setting where it was wrong.
 *
 * @param encodingFrom    what decided the encoding: {@code bom}, {@code detected} or {@code setting}
 * @param delimiterFrom   what decided the delimiter: {@code detected}, {@code sep line} or {@code setting}
 * @param headerLine      physical line (1-based) of the header
 * @param sepLine         whether the file starts with Excel's {@code sep=} line (skipped, not a record)
 * @param preambleRecords records before the header skipped as preamble (title, date range, ...)
 * @param preamble        the text of the first of them, each cut to 200 characters
 * @param columns         how each mapped column is read
 */
public record ReadingDecisions(String encodingFrom, String delimiterFrom, long headerLine, boolean sepLine,
        int preambleRecords, List<String> preamble, List<Column> columns) {
    public ReadingDecisions {
        preamble = preamble == null ? List.of() : List.copyOf(preamble);
        columns = columns == null ? List.of() : List.copyOf(columns);
    }

    /**
     * How one mapped column is read.
     *
     * @param column             the header name
     * @param field              the canonical field it feeds
     * @param type               {@code date}, {@code decimal}, {@code integer} or {@code text}
     * @param dateOrder          dates: {@code dmy}, {@code mdy} or {@code ymd}; else null
     * @param decimalMark        numbers: {@code point} or {@code comma}; else null
     * @param thousandsSeparator numbers: the grouping character seen in the column's values, or null for none
     * @param currency           numbers: the first currency symbol or code seen in the column's values, or null
     * @param decidedBy          how the date order or decimal mark was decided: {@code values} (the column's own
     *                           values), {@code setting} (the dataset pins it) or {@code default} (no value decided
     *                           it); null for text
     */
    public record Column(String column, String field, String type, String dateOrder, String decimalMark,
            String thousandsSeparator, String currency, String decidedBy) {
    }
}
