package dev.sluice.application.source;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Comparator;

/**
 * Orders cursor values: two numbers by value ({@code 9 < 10}), two timestamps by time (ISO 8601 with or without
 * offset, taken as UTC without, or RFC 1123 as RSS writes {@code pubDate}), anything else as text.
 */
final class CursorValues {
    static final Comparator<String> ORDER = CursorValues::compare;

    private CursorValues() {
    }

    static int compare(String a, String b) {
        BigDecimal na = number(a);
        BigDecimal nb = number(b);
        if (na != null && nb != null) {
            return na.compareTo(nb);
        }
        Instant ta = instant(a);
        Instant tb = instant(b);
        if (ta != null && tb != null) {
            return ta.compareTo(tb);
        }
        return a.compareTo(b);
    }

    /**
     * Whether two values are of one kind (both numbers, both times, or both neither), so that {@link #compare} orders
     * them by meaning: a time against a number would be compared as text, and {@code "n/a"} would be "newer" than
     * every date.
     */
    static boolean sameKind(String a, String b) {
        return kind(a) == kind(b);
    }

    private static int kind(String value) {
        return number(value) != null ? 0 : instant(value) != null ? 1 : 2;
    }

    private static BigDecimal number(String value) {
        try {
            return new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Instant instant(String value) {
        String v = value.strip();
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
