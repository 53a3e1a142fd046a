package dev.sluice.domain.csv;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How each column writes its values, decided per column by the profiler from the values it sees and carried in
 * every chunk message, so that every loader reads a column the same way: the date order of each date column and
 * the number style (decimal mark and thousands separator) of each numeric column, keyed by header name. A column
 * not named here is read in the file's number style, and its dates month-day-year.
 *
 * @param dateOrders   date column → the order of its day and month
 * @param numberStyles numeric column → its number style
 */
public record ColumnFormats(Map<String, DateOrder> dateOrders, Map<String, NumberStyle> numberStyles) {
    /** No per-column decisions: messages from before the decisions existed, and hand-built test messages. */
    public static final ColumnFormats NONE = new ColumnFormats(Map.of(), Map.of());

    public ColumnFormats {
        // Sorted, so that the chunk digest and the wire form are the same in every JVM.
        dateOrders = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(dateOrders)));
        numberStyles = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(numberStyles)));
    }

    public DateOrder dateOrder(String column, DateOrder fallback) {
        return column == null ? fallback : dateOrders.getOrDefault(column, fallback);
    }

    public NumberStyle numberStyle(String column, NumberStyle fallback) {
        return column == null ? fallback : numberStyles.getOrDefault(column, fallback);
    }

    /** Stable text for the chunk digest. */
    public String canonical() {
        return "dates=" + dateOrders + ";numbers=" + numberStyles;
    }
}
