package dev.sluice.domain.csv;

import static dev.sluice.domain.csv.Digits.digits;
import static dev.sluice.domain.csv.Digits.isDigit;
import static dev.sluice.domain.csv.Digits.number;

/**
 * What a date value's shape says about the order of its day and month, as the date parser reads it; the profiler
 * counts these per column to decide the column's {@link DateOrder}.
 */
enum DateShape {
    /** Not a date in an accepted shape. */
    NONE,
    /** {@code 2024-03-31}, {@code 2024/03/31}. */
    YEAR_FIRST,
    /** {@code 31/03/2024} (the first part is above 12), or {@code 31.03.2024} (dots are day-first). */
    DAY_FIRST,
    /** {@code 03/31/2024} (the second part is above 12), or {@code Mar 31, 2024}. */
    MONTH_FIRST,
    /** {@code 03/04/2024}: both parts are 12 or less; the column's other values (or a setting) decide. */
    AMBIGUOUS;

    static DateShape of(String raw) {
        String value = Spaces.trim(raw);
        int length = value.length();
        if (length >= 8 && length <= 10 && digits(value, 0, 4) && (value.charAt(4) == '-' || value.charAt(4) == '/')) {
            return YEAR_FIRST;
        }
        if (length >= 6 && length <= 10 && isDigit(value.charAt(0))) {
            int firstEnd = isDigit(value.charAt(1)) ? 2 : 1;
            char separator = value.charAt(firstEnd);
            int secondEnd = separator == '/' || separator == '-' || separator == '.'
                    ? value.indexOf(separator, firstEnd + 1) : -1;
            int yearLength = length - secondEnd - 1;
            if (secondEnd < 0 || secondEnd - firstEnd - 1 < 1 || secondEnd - firstEnd - 1 > 2
                    || (yearLength != 4 && yearLength != 2) || !digits(value, firstEnd + 1, secondEnd)
                    || !digits(value, secondEnd + 1, length)) {
                return NONE;
            }
            if (separator == '.') {
                return DAY_FIRST;
            }
            int first = number(value, 0, firstEnd);
            int second = number(value, firstEnd + 1, secondEnd);
            if (first > 12 && second <= 12) {
                return DAY_FIRST;
            }
            if (second > 12 && first <= 12) {
                return MONTH_FIRST;
            }
            return first <= 12 ? AMBIGUOUS : NONE;
        }
        return length >= 10 && startsWithMonthName(value) ? MONTH_FIRST : NONE;
    }

    /** {@code Mar 31, 2024}, {@code Sept. 9, 2024}, {@code December 31, 2023}: an English month name first. */
    private static boolean startsWithMonthName(String value) {
        int end = 0;
        while (end < value.length() && Character.isLetter(value.charAt(end))) {
            end++;
        }
        if (end < 3 || end >= value.length() || (value.charAt(end) != ' ' && value.charAt(end) != '.')) {
            return false;
        }
        String word = value.substring(0, end).toLowerCase(java.util.Locale.ROOT);
        for (String month : MONTHS) {
            if (month.equals(word) || month.startsWith(word) && word.length() <= 4) {
                return true;
            }
        }
        return false;
    }

    private static final String[] MONTHS = {"january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december"};
}
