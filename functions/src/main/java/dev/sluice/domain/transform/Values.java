package dev.sluice.domain.transform;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * The types of the language and the conversions between them. A value is one of: null, a {@link String}, a
 * {@link BigDecimal}, a {@link Boolean} or a {@link LocalDate}.
 */
public final class Values {
    /** Longest text read as a number ({@code '12.5' * 2}); a longer one is an error, not a slow parse. */
    static final int MAX_NUMBER_TEXT = 100;

    private Values() {
    }

    /** How a value is written when it becomes text: numbers plain ({@code 1200}, not {@code 1.2E+3}), ISO dates. */
    public static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal number) {
            return number.toPlainString();
        }
        return value.toString();
    }

    static String typeName(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof BigDecimal) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "true/false";
        }
        if (value instanceof LocalDate) {
            return "a date";
        }
        return "text";
    }

    static String quote(Object value) {
        String text = text(value);
        if (text == null) {
            return "null";
        }
        String cut = text.length() <= 60 ? text : text.substring(0, 57) + "...";
        return value instanceof String ? "'" + cut + "'" : cut;
    }

    /**
     * A plain decimal number written with a point ({@code -12.50}, {@code 3}, {@code .5}); null for anything else.
     * Grouping separators and other locales are parse_number's job.
     */
    static BigDecimal plainNumber(String text) {
        String s = text.strip();
        if (s.isEmpty() || s.length() > MAX_NUMBER_TEXT) {
            return null;
        }
        int i = s.charAt(0) == '-' || s.charAt(0) == '+' ? 1 : 0;
        int digits = 0;
        boolean point = false;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '.' && !point) {
                point = true;
            } else {
                return null;
            }
        }
        return digits == 0 ? null : new BigDecimal(s);
    }
}
