package dev.sluice.domain.validation;

import static dev.sluice.domain.csv.Digits.digits;
import static dev.sluice.domain.csv.Digits.isDigit;
import static dev.sluice.domain.csv.Digits.number;
import static dev.sluice.domain.validation.InvalidValueException.quote;

import dev.sluice.domain.csv.DateOrder;
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
 * <p>Accepted: {@code yyyy-MM-dd} and {@code yyyy/MM/dd} (always year-month-day), {@code dd.MM.yyyy} (always
 * day-month-year), {@code a/b/yyyy}, {@code a-b-yyyy} and {@code a/b/yy} (day and month in the column's
 * {@link DateOrder}; a two-digit year is 20yy), and {@code MMM d, yyyy} with an English month name, abbreviated
 * ({@code Jan}, {@code Sept}, optional trailing point) or in full, any letter case. Month and day may have one
 * digit. A column whose order is {@link DateOrder#YMD} refuses {@code a/b/yyyy}, whose day and month it cannot
 * place. Impossible dates such as 2024-02-30 are rejected, not rolled over.
 */
public final class DateParser {
    public static final String DATE_FORMATS = "yyyy-MM-dd (2024-03-31), yyyy/MM/dd (2024/03/31), "
            + "MM/dd/yyyy or dd/MM/yyyy (in the column's order), MMM d, yyyy (Mar 31, 2024) or dd.MM.yyyy (31.03.2024)";

    private static final String[] MONTH_NAMES = {
        "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "may", "jun", "june",
        "jul", "july", "aug", "august", "sep", "september", "oct", "october", "nov", "november", "dec", "december"
    };

    private DateParser() {
    }

    /** Parses a non-blank date value of a month-day-year column (surrounding spaces allowed). */
    public static LocalDate parse(String raw) throws InvalidValueException {
        return parse(raw, DateOrder.MDY);
    }

    /** Parses a non-blank date value (surrounding spaces allowed) of a column whose dates are in {@code order}. */
    public static LocalDate parse(String raw, DateOrder order) throws InvalidValueException {
        String value = Spaces.trim(raw);
        int length = value.length();
        if (length >= 8 && length <= 10 && digits(value, 0, 4) && (value.charAt(4) == '-' || value.charAt(4) == '/')) {
            char separator = value.charAt(4);
            int monthEnd = value.indexOf(separator, 5);
            int dayLength = length - monthEnd - 1;
            if (monthEnd > 5 && monthEnd <= 7 && digits(value, 5, monthEnd)
                    && dayLength >= 1 && dayLength <= 2 && digits(value, monthEnd + 1, length)) {
                return date(raw, number(value, 0, 4), number(value, 5, monthEnd), number(value, monthEnd + 1, length),
                        DateOrder.YMD, order);
            }
        } else if (length >= 6 && length <= 10 && isDigit(value.charAt(0))) {
            int firstEnd = isDigit(value.charAt(1)) ? 2 : 1;
            char separator = value.charAt(firstEnd);
            int secondEnd = separator == '.' || separator == '/' || separator == '-'
                    ? value.indexOf(separator, firstEnd + 1) : -1;
            int secondLength = secondEnd - firstEnd - 1;
            int yearLength = length - secondEnd - 1;
            if (secondEnd > 0 && secondLength >= 1 && secondLength <= 2 && (yearLength == 4 || yearLength == 2)
                    && digits(value, firstEnd + 1, secondEnd) && digits(value, secondEnd + 1, length)) {
                int first = number(value, 0, firstEnd);
                int second = number(value, firstEnd + 1, secondEnd);
                int year = number(value, secondEnd + 1, length) + (yearLength == 2 ? 2000 : 0);
                if (separator == '.') {
                    return date(raw, year, second, first, DateOrder.DMY, order);
                }
                if (order == DateOrder.YMD) {
                    throw new InvalidValueException(RowErrorCode.INVALID_DATE, quote(raw) + " is not a "
                            + "year-month-day date; this column is year-month-day, e.g. 2024-03-31 (set the "
                            + "dataset's date order if its dates are day-month-year or month-day-year)");
                }
                return order == DateOrder.DMY ? date(raw, year, second, first, order, order)
                        : date(raw, year, first, second, order, order);
            }
        } else if (length >= 10 && Character.isLetter(value.charAt(0))) {
            LocalDate named = parseNamedMonth(raw, value, order);
            if (named != null) {
                return named;
            }
        }
        throw new InvalidValueException(RowErrorCode.INVALID_DATE,
                quote(raw) + " is not a date in a known format; expected " + DATE_FORMATS + "; this column is "
                        + order.description());
    }

    /** {@code MMM d, yyyy}; null when the shape does not match. */
    private static LocalDate parseNamedMonth(String raw, String value, DateOrder order)
            throws InvalidValueException {
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
        return date(raw, number(value, i, length), month, day, DateOrder.MDY, order);
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

    /**
     * @param read   the order the value was read in (its shape's, or the column's for {@code 03/04/2024})
     * @param column the column's order, which the message names when the value was read in it
     */
    private static LocalDate date(String raw, int year, int month, int day, DateOrder read, DateOrder column)
            throws InvalidValueException {
        if (month < 1 || month > 12) {
            throw new InvalidValueException(RowErrorCode.INVALID_DATE, quote(raw)
                    + " is not a valid date: there is no month " + month + how(read, column));
        }
        int monthLength = Month.of(month).length(Year.isLeap(year));
        if (day < 1 || day > monthLength) {
            throw new InvalidValueException(RowErrorCode.INVALID_DATE, quote(raw) + " is not a valid date: "
                    + Month.of(month).getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " " + year + " has "
                    + monthLength + " days" + how(read, column));
        }
        return LocalDate.of(year, month, day);
    }

    private static String how(DateOrder read, DateOrder column) {
        // A value whose shape says its order (2024-04-31, 31.04.2024) needs no word about the column's.
        return read == column ? "; this column is " + column.description() : "";
    }
}
