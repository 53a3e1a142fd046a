package dev.sluice.application.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Cursor ordering. {@link CursorValues} checks a value's shape before it parses (a pull compares every record's
 * cursor); these tests hold it to the plain rule: a number is what {@link BigDecimal} reads, a time what one of the
 * four forms reads, tried one after another.
 */
class CursorValuesTest {
    @Test
    void numbersByValueTimesByTimeTheRestAsText() {
        assertTrue(CursorValues.compare("9", "10") < 0);
        assertTrue(CursorValues.compare("1e3", "999.5") > 0);
        assertEquals(0, CursorValues.compare("1.50", "1.5"));
        assertTrue(CursorValues.compare("2026-12-03T10:00:00+02:00", "2026-12-03T09:00:00Z") < 0, "by instant");
        assertTrue(CursorValues.compare("2026-12-03", "2026-12-02T23:59:59") > 0, "a date is its midnight, UTC");
        assertTrue(CursorValues.compare("Thu, 3 Dec 2026 10:00:00 GMT", "2026-12-03T09:59:59Z") > 0, "RFC 1123");
        assertTrue(CursorValues.compare("b", "a") > 0);
        assertTrue(CursorValues.sameKind("2026-12-03", "Thu, 3 Dec 2026 10:00:00 GMT"));
        assertFalse(CursorValues.sameKind("n/a", "2026-12-03"));
        assertFalse(CursorValues.sameKind("12", "2026-12-03"));
        assertNull(CursorValues.instant("2026-1-1"));
    }

    @Test
    void theShapeCheckAcceptsExactlyWhatTheParsersAccept() {
        List<String> values = new ArrayList<>(List.of("0", "-1", "+2.5", ".5", "5.", "1E+5", "1e-3", "١٢٣", "e5", "1e",
                "--1", "1.2.3", " 42 ", "", " ", "NaN", "Infinity", "0x10", "2026-12-03", "2026-12-03T10:15",
                "2026-12-03T10:15:30.123", "2026-12-03T10:15:30Z", "2026-12-03T10:15:30z", "2026-12-03T10:15:30+01",
                "2026-12-03T10:15:30+0100", "2026-12-03T10:15:30-01:00", "2026-12-03T10:15:30+01:00:30",
                "+12026-12-03", "2026-13-03", "2026-02-30", "2026-12-03 10:15", "2026-12-03T25:00",
                "Thu, 3 Dec 2026 10:15:30 GMT", "3 Dec 2026 10:15:30 +0100", "Thu, 03 Dec 2026 10:15 GMT",
                "Wed, 3 Dec 2026 10:15:30 GMT", "20261203", "12/03/2026", "n/a", "-"));
        Random random = new Random(20261203);
        String alphabet = "0123456789-+:.TZzeE ,/GMTDecThu";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder value = new StringBuilder(i % 2 == 0 ? "2026-12-03" : "");
            int length = random.nextInt(22);
            for (int c = 0; c < length; c++) {
                value.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            values.add(value.toString());
        }
        for (String value : values) {
            assertEquals(referenceInstant(value), CursorValues.instant(value), () -> "time of '" + value + "'");
            assertEquals(referenceNumber(value) != null, CursorValues.sameKind(value, "7"),
                    () -> "number kind of '" + value + "'");
        }
    }

    private static BigDecimal referenceNumber(String value) {
        try {
            return new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Instant referenceInstant(String value) {
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
