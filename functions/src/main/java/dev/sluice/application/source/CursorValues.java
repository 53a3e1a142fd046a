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
import java.util.regex.Pattern;

/**
 * Orders cursor values: two numbers by value ({@code 9 < 10}), two timestamps by time (ISO 8601 with or without
 * offset, taken as UTC without, or RFC 1123 as RSS writes {@code pubDate}), anything else as text.
 */
final class CursorValues {
    static final Comparator<String> ORDER = CursorValues::compare;
    private static final Pattern NUMBER = Pattern.compile(
            "[+-]?(\\p{Nd}+\\.?\\p{Nd}*|\\.\\p{Nd}+)([eE][+-]?\\p{Nd}+)?");
    private static final Pattern ISO_DATE_START = Pattern.compile("[+-]?\\d{4,}-\\d{2}-\\d{2}");
    private static final Pattern OFFSET_END = Pattern.compile("([zZ]|[+-]\\d{2}(:?\\d{2})?(:\\d{2})?)$");
    private static final int ISO_DATE_LENGTH = 10;
    /** The shortest value any form accepts (RFC 1123's "1 Jan 2026 00:00 GMT" is longer; an ISO date is 10). */
    private static final int MIN_TIME_LENGTH = 10;
    private static final int OFFSET = 0;
    private static final int LOCAL = 1;
    private static final int DATE = 2;
    private static final int RFC_1123 = 3;

    private CursorValues() {
    }

    static int compare(String a, String b) {
        return Value.of(a).compareTo(Value.of(b));
    }

    /**
     * Whether two values are of one kind (both numbers, both times, or both neither), so that {@link #compare} orders
     * them by meaning: a time against a number would be compared as text, and {@code "n/a"} would be "newer" than
     * every date.
     */
    static boolean sameKind(String a, String b) {
        return Value.of(a).sameKind(Value.of(b));
    }

    /**
     * A cursor value read once: a pull compares every record's cursor with the checkpoint and the largest so far, and
     * parsing each of them again for every comparison was most of a large pull's time.
     */
    record Value(String text, BigDecimal number, Instant instant) implements Comparable<Value> {
        static Value of(String text) {
            BigDecimal number = CursorValues.number(text);
            return new Value(text, number, number == null ? CursorValues.instant(text) : null);
        }

        boolean sameKind(Value other) {
            return kind() == other.kind();
        }

        private int kind() {
            return number != null ? 0 : instant != null ? 1 : 2;
        }

        @Override
        public int compareTo(Value other) {
            if (number != null && other.number != null) {
                return number.compareTo(other.number);
            }
            if (instant != null && other.instant != null) {
                return instant.compareTo(other.instant);
            }
            return text.compareTo(other.text);
        }
    }

    private static BigDecimal number(String value) {
        String v = value.strip();
        // Checked by shape first: a pull compares every record's cursor, and a date failing BigDecimal's parse would
        // cost an exception each time.
        if (!NUMBER.matcher(v).matches()) {
            return null;
        }
        try {
            return new BigDecimal(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The forms are tried in the order the value's shape suggests (an offset, a time, a date, else RFC 1123), then the
     * others, so a usual value parses at its first try while every form is still accepted.
     */
    static Instant instant(String value) {
        String v = value.strip();
        if (v.length() < MIN_TIME_LENGTH) {
            return null;
        }
        boolean isoDate = ISO_DATE_START.matcher(v).lookingAt();
        int first = !isoDate ? RFC_1123 : v.length() == ISO_DATE_LENGTH ? DATE : OFFSET_END.matcher(v).find() ? OFFSET
                : LOCAL;
        Instant parsed = parse(v, first);
        for (int form = OFFSET; parsed == null && form <= RFC_1123; form++) {
            if (form != first) {
                parsed = parse(v, form);
            }
        }
        return parsed;
    }

    private static Instant parse(String v, int form) {
        try {
            return switch (form) {
                case OFFSET -> OffsetDateTime.parse(v).toInstant();
                case LOCAL -> LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
                case DATE -> LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
                default -> ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            };
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
