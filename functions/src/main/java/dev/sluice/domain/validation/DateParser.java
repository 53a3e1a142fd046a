package dev.sluice.domain.validation;

import static dev.sluice.domain.validation.InvalidValueException.quote;

import dev.sluice.domain.csv.Spaces;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Parses the values of date columns. Hand-written rather than regex or {@code DateTimeFormatter}: it runs once per
 * value on the loader's hot path, and each way a date can be wrong needs its own precise message.
 *
 * <p>Accepted: {@code yyyy-MM-dd}, {@code yyyy/MM/dd}, {@code dd.MM.yyyy} (month and day may have one digit:
 * {@code 2024-3-5}, {@code 5.3.2024}) and {@code MMM d, yyyy} with an English month name, abbreviated ({@code Jan},
 * {@code Sept}, optional trailing point) or in full, any letter case. Impossible dates such as 2024-02-30 are
 * rejected, not rolled over.
 */
public final class DateParser {
    public static final String DATE_FORMATS = "yyyy-MM-dd (2024-03-31), yyyy/MM/dd (2024/03/31), "
            + "MMM d, yyyy (Mar 31, 2024) or dd.MM.yyyy (31.03.2024)";

    private static final String[] MONTH_NAMES = {
        "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "may", "jun", "june",
        "jul", "july", "aug", "august", "sep", "september", "oct", "october", "nov", "november", "dec", "december"
    };

    private DateParser() {
    }

    /** Parses a non-blank date value (surrounding spaces allowed). */
    public static LocalDate parse(String raw) throws InvalidValueException {
        String value = Spaces.trim(raw);
        int length = value.length();
        if (length >= 8 && length <= 10 && digits(value, 0, 4) && (value.charAt(4) == '-' || value.charAt(4) == '/')) {
            char separator = value.charAt(4);
            int monthEnd = value.indexOf(separator, 5);
            int dayLength = length - monthEnd - 1;
            if (monthEnd > 5 && monthEnd <= 7 && digits(value, 5, monthEnd)
                    && dayLength >= 1 && dayLength <= 2 && digits(value, monthEnd + 1, length)) {
                return date(raw, number(value, 0, 4), number(value, 5, monthEnd), number(value, monthEnd + 1, length));
            }
        } else if (length >= 8 && length <= 10 && isDigit(value.charAt(0))) {
            int dayEnd = value.indexOf('.');
            int monthEnd = dayEnd < 0 ? -1 : value.indexOf('.', dayEnd + 1);
            if (dayEnd >= 1 && dayEnd <= 2 && monthEnd - dayEnd - 1 >= 1 && monthEnd - dayEnd - 1 <= 2
                    && length - monthEnd - 1 == 4 && digits(value, 0, dayEnd) && digits(value, dayEnd + 1, monthEnd)
                    && digits(value, monthEnd + 1, length)) {
                return date(raw, number(value, monthEnd + 1, length), number(value, dayEnd + 1, monthEnd),
                        number(value, 0, dayEnd));
            }
        } else if (length >= 10 && Character.isLetter(value.charAt(0))) {
            LocalDate named = parseNamedMonth(raw, value);
            if (named != null) {
                return named;
            }
        }
        throw new InvalidValueException(RowErrorCode.INVALID_DATE,
                quote(raw) + " is not a date in a known format; expected " + DATE_FORMATS);
    }

    /** {@code MMM d, yyyy}; null when the shape does not match. */
    private static LocalDate parseNamedMonth(String raw, String value) throws InvalidValueException {
        int i = 0;
        int length = value.length();
        while (i < length && Character.isLetter(value.charAt(i))) {
            i++;
        }
        int month = monthNumber(value, i);
        if (month == 0) {
            return null;
        }
        if (i < length && value.charAt(i) == '.') {
            i++;
        }
        int spaces = i;
        while (i < length && value.charAt(i) == ' ') {
            i++;
        }
        if (i == spaces) {
            return null;
        }
        int dayStart = i;
        while (i < length && isDigit(value.charAt(i))) {
            i++;
        }
        if (i - dayStart < 1 || i - dayStart > 2 || i >= length || value.charAt(i) != ',') {
            return null;
        }
        int day = number(value, dayStart, i);
        i++;
        while (i < length && value.charAt(i) == ' ') {
            i++;
        }
        if (length - i != 4 || !digits(value, i, length)) {
            return null;
        }
        return date(raw, number(value, i, length), month, day);
    }

    private static int monthNumber(String value, int end) {
        if (end < 3) {
            return 0;
        }
        String name = value.substring(0, end).toLowerCase(Locale.ROOT);
        if (name.equals("sept")) {
            return 9;
        }
        for (int i = 0; i < MONTH_NAMES.length; i++) {
            if (MONTH_NAMES[i].equals(name)) {
                return i / 2 + 1;
            }
        }
        return 0;
    }

    private static LocalDate date(String raw, int year, int month, int day) throws InvalidValueException {
        if (month < 1 || month > 12) {
            throw new InvalidValueException(RowErrorCode.INVALID_DATE, quote(raw)
                    + " is not a valid date: there is no month " + month + "; expected " + DATE_FORMATS);
        }
        int monthLength = Month.of(month).length(Year.isLeap(year));
        if (day < 1 || day > monthLength) {
            throw new InvalidValueException(RowErrorCode.INVALID_DATE, quote(raw) + " is not a valid date: "
                    + Month.of(month).getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " " + year + " has "
                    + monthLength + " days");
        }
        return LocalDate.of(year, month, day);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean digits(String value, int start, int end) {
        if (start >= end) {
            return false;
        }
        for (int i = start; i < end; i++) {
            if (!isDigit(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int number(String value, int start, int end) {
        int n = 0;
        for (int i = start; i < end; i++) {
            n = n * 10 + (value.charAt(i) - '0');
        }
        return n;
    }
}
