package dev.sluice.domain.csv;

import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.Mapping;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Decides, column by column, how the mapped columns write dates and numbers, from every whole record of the
 * profiled prefix (the first MiB, tens of thousands of records for a typical export).
 *
 * <p><b>Date order</b> of the date column: a pinned dataset setting wins. Otherwise values whose first part is
 * above 12 ({@code 31/03/2024}) or written {@code 31.03.2024} vote day-month-year, values whose second part is
 * above 12 ({@code 03/31/2024}) or written {@code Mar 31, 2024} vote month-day-year; the majority decides
 * ({@code values}). A column of mostly {@code 2024-03-31} is year-month-day (its rare {@code 03/04/2024} cannot be
 * placed and is refused). A column whose values are all like {@code 03/04/2024} is truly ambiguous and is read
 * month-day-year ({@code default}).
 *
 * <p><b>Decimal mark</b> of each numeric column: a pinned setting wins; otherwise the column's own values vote as
 * in {@link NumberStyleDetector#styleEvidence} ({@code values}); a column none of whose values decides takes the
 * file's style: the votes of all numeric columns, else European for a semicolon-delimited file and US for any
 * other ({@code default}).
 *
 * <p>Values after the prefix are read with these decisions; one that does not fit (13/04/2024 in a month-day-year
 * column) is a row error whose message names the column's format, and pinning the setting is the way out.
 */
final class ColumnInference {
    private static final List<CanonicalField> DECIMALS = List.of(CanonicalField.SPEND, CanonicalField.CONVERSIONS);
    private static final List<CanonicalField> INTEGERS = List.of(CanonicalField.CLICKS, CanonicalField.IMPRESSIONS);

    record Result(NumberStyle fileStyle, ColumnFormats formats, List<ReadingDecisions.Column> columns) {
    }

    /** What one numeric column's values showed. */
    private static final class NumberStats {
        int us;
        int european;
        String currency;
        final Map<Character, Integer> separators = new HashMap<>();
    }

    /** What the date column's values showed. */
    private static final class DateStats {
        int dayFirst;
        int monthFirst;
        int yearFirst;
        int ambiguous;
    }

    private ColumnInference() {
    }

    static Result infer(String data, boolean complete, char delimiter, char quote, List<String> header,
            Mapping mapping, ReadingSettings settings) {
        int dateIndex = mapping.headerFor(CanonicalField.DATE).map(header::indexOf).orElse(-1);
        DateStats dates = new DateStats();
        Map<CanonicalField, Integer> numberIndex = new java.util.EnumMap<>(CanonicalField.class);
        Map<CanonicalField, NumberStats> numbers = new java.util.EnumMap<>(CanonicalField.class);
        for (CanonicalField field : CanonicalField.values()) {
            if (DECIMALS.contains(field) || INTEGERS.contains(field)) {
                mapping.headerFor(field).map(header::indexOf).filter(i -> i >= 0).ifPresent(i -> {
                    numberIndex.put(field, i);
                    numbers.put(field, new NumberStats());
                });
            }
        }
        try (CSVParser parser = CsvFormats.of(delimiter, quote).parse(new StringReader(data))) {
            CSVRecord previous = null;
            for (CSVRecord record : parser) {
                // The prefix may end inside the last record; only records known to be whole count.
                if (previous != null) {
                    observe(previous, dateIndex, dates, numberIndex, numbers);
                }
                previous = record;
            }
            if (previous != null && complete) {
                observe(previous, dateIndex, dates, numberIndex, numbers);
            }
        } catch (IOException | UncheckedIOException e) {
            // A prefix that ends inside an open quote: what was seen so far is all there is.
        }

        int us = 0;
        int european = 0;
        for (NumberStats stats : numbers.values()) {
            us += stats.us;
            european += stats.european;
        }
        NumberStyle fileStyle = switch (settings.decimalStyle()) {
            case POINT -> NumberStyle.US;
            case COMMA -> NumberStyle.EUROPEAN;
            case AUTO -> us != european ? (us > european ? NumberStyle.US : NumberStyle.EUROPEAN)
                    : delimiter == ';' ? NumberStyle.EUROPEAN : NumberStyle.US;
        };

        List<ReadingDecisions.Column> columns = new ArrayList<>();
        Map<String, DateOrder> dateOrders = new HashMap<>();
        Map<String, NumberStyle> numberStyles = new HashMap<>();
        for (CanonicalField field : CanonicalField.values()) {
            String column = mapping.headerFor(field).orElse(null);
            if (column == null || !header.contains(column)) {
                continue;
            }
            if (field == CanonicalField.DATE) {
                String decidedBy = "values";
                DateOrder order;
                if (settings.dateOrder() != ReadingSettings.DateOrder.AUTO) {
                    order = DateOrder.valueOf(settings.dateOrder().name());
                    decidedBy = "setting";
                } else if (dates.dayFirst + dates.monthFirst > 0) {
                    order = dates.dayFirst > dates.monthFirst ? DateOrder.DMY : DateOrder.MDY;
                } else if (dates.yearFirst > dates.ambiguous) {
                    // Mostly ISO dates: a stray 03/04/2024 cannot be placed, and is refused rather than guessed.
                    order = DateOrder.YMD;
                } else {
                    order = DateOrder.MDY;
                    decidedBy = "default";
                }
                dateOrders.put(column, order);
                columns.add(new ReadingDecisions.Column(column, field.fieldName(), "date", order.code(), null, null,
                        null, decidedBy));
            } else if (numbers.containsKey(field)) {
                NumberStats stats = numbers.get(field);
                String decidedBy;
                NumberStyle style;
                if (settings.decimalStyle() != ReadingSettings.DecimalStyle.AUTO) {
                    style = fileStyle;
                    decidedBy = "setting";
                } else if (stats.us != stats.european) {
                    style = stats.us > stats.european ? NumberStyle.US : NumberStyle.EUROPEAN;
                    decidedBy = "values";
                } else {
                    style = fileStyle;
                    decidedBy = "default";
                }
                numberStyles.put(column, style);
                columns.add(new ReadingDecisions.Column(column, field.fieldName(),
                        DECIMALS.contains(field) ? "decimal" : "integer", null,
                        style == NumberStyle.US ? "point" : "comma", separator(stats, style), stats.currency,
                        decidedBy));
            } else {
                columns.add(new ReadingDecisions.Column(column, field.fieldName(), "text", null, null, null, null,
                        null));
            }
        }
        return new Result(fileStyle, new ColumnFormats(dateOrders, numberStyles), columns);
    }

    private static void observe(CSVRecord record, int dateIndex, DateStats dates,
            Map<CanonicalField, Integer> numberIndex, Map<CanonicalField, NumberStats> numbers) {
        if (dateIndex >= 0 && dateIndex < record.size()) {
            switch (DateShape.of(record.get(dateIndex))) {
                case DAY_FIRST -> dates.dayFirst++;
                case MONTH_FIRST -> dates.monthFirst++;
                case YEAR_FIRST -> dates.yearFirst++;
                case AMBIGUOUS -> dates.ambiguous++;
                case NONE -> { }
            }
        }
        numberIndex.forEach((field, index) -> {
            if (index < record.size()) {
                observeNumber(record.get(index), numbers.get(field));
            }
        });
    }

    private static void observeNumber(String value, NumberStats stats) {
        int evidence = NumberStyleDetector.styleEvidence(value);
        if (evidence > 0) {
            stats.us++;
        } else if (evidence < 0) {
            stats.european++;
        }
        String trimmed = Spaces.trim(value);
        if (stats.currency == null && !trimmed.isEmpty()) {
            stats.currency = currency(trimmed);
        }
        boolean digitBefore = false;
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c >= '0' && c <= '9') {
                digitBefore = true;
            } else if (digitBefore && i + 1 < trimmed.length() && Character.isDigit(trimmed.charAt(i + 1))
                    && (c == ',' || c == '.' || c == ' ' || c == '\u00A0' || c == '\u202F' || c == '\'')) {
                stats.separators.merge(c, 1, Integer::sum);
            }
        }
    }

    /** The grouping character of a column read in {@code style}: the one besides its decimal mark. */
    private static String separator(NumberStats stats, NumberStyle style) {
        char decimal = style == NumberStyle.US ? '.' : ',';
        Character best = null;
        for (Map.Entry<Character, Integer> entry : stats.separators.entrySet()) {
            if (entry.getKey() != decimal && (best == null || entry.getValue() > stats.separators.get(best))) {
                best = entry.getKey();
            }
        }
        return best == null ? null : String.valueOf(best);
    }

    private static String currency(String value) {
        for (String symbol : List.of("$", "€", "£", "¥")) {
            if (value.startsWith(symbol) || value.endsWith(symbol) || value.startsWith("-" + symbol)
                    || value.startsWith("(" + symbol)) {
                return symbol;
            }
        }
        // A currency code: exactly three ASCII letters in the value, wherever they stand ("EUR 12", "12 usd").
        StringBuilder letters = new StringBuilder(3);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
                if (letters.length() == 3) {
                    return null;
                }
                letters.append(c);
            }
        }
        return letters.length() == 3 ? letters.toString().toUpperCase(java.util.Locale.ROOT) : null;
    }
}
