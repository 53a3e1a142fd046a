package dev.sluice.domain.validation;

import static dev.sluice.domain.validation.InvalidValueException.quote;

import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.csv.Spaces;
import java.math.BigDecimal;

/**
 * Parses the values of metric columns, in the column's {@link NumberStyle}. Hand-written for the loader's hot path:
 * plain digits, by far the common case in exports, are read without allocating.
 *
 * <p>Thousands separators must group exactly three digits ({@code 1,234,567}); anything else is refused rather
 * than guessed, because {@code 12,5} read as twelve thousand five hundred would be a silent error in a spend
 * column. Currency marks ($ € £ ¥ and ISO codes such as USD, EUR, GBP, CHF) are allowed before or after decimals;
 * percentages are not (no canonical field holds a ratio). Negative amounts are written {@code -5} or
 * {@code (5)} (accounting style). Integers accept a zero fractional part ({@code 12.0} is 12) because spreadsheet
 * exports often write counts that way; any other fraction is an error.
 */
public final class NumberParser {
    private static final int MAX_NUMBER_LENGTH = 60;
    /** The ISO 4217 codes ad platforms write beside amounts. */
    private static final String[] CURRENCY_CODES = {"USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "SEK", "NOK",
        "DKK", "PLN", "BRL", "MXN", "INR"};

    private NumberParser() {
    }

    /** Parses a non-blank decimal amount that must be 0 or more; the scale is kept as written. */
    public static BigDecimal parseDecimal(String raw, NumberStyle style) throws InvalidValueException {
        BigDecimal value = plainDecimal(raw, style == NumberStyle.US ? '.' : ',');
        if (value == null) {
            Number parsed = parseNumber(raw, style, true, RowErrorCode.INVALID_NUMBER, true);
            value = parsed.digits == null ? BigDecimal.valueOf(parsed.integer)
                    : new BigDecimal(parsed.digits, 0, parsed.length);
            if (parsed.negative && value.signum() != 0) {
                throw new InvalidValueException(RowErrorCode.NEGATIVE, quote(raw) + " is negative; expected 0 or more");
            }
            value = value.abs();
        }
        return value.signum() == 0 && value.scale() == 0 ? BigDecimal.ZERO : value;
    }

    /**
     * The common case of an amount, digits with at most one decimal separator and nothing else, read without the
     * general parser's allocations; null for anything else (spaces, signs, currency, grouping, more than 18 digits).
     */
    private static BigDecimal plainDecimal(String raw, char decimalSeparator) {
        int length = raw.length();
        if (length == 0 || length > 19) {
            return null;
        }
        long unscaled = 0;
        int digits = 0;
        int scale = -1;
        for (int i = 0; i < length; i++) {
            char c = raw.charAt(i);
            if (isDigit(c)) {
                unscaled = unscaled * 10 + (c - '0');
                digits++;
                if (scale >= 0) {
                    scale++;
                }
            } else if (c == decimalSeparator && scale < 0) {
                scale = 0;
            } else {
                return null;
            }
        }
        return digits == 0 || digits > 18 ? null : BigDecimal.valueOf(unscaled, Math.max(scale, 0));
    }

    /** Parses a non-blank whole count that must be 0 or more. */
    public static long parseInteger(String raw, NumberStyle style) throws InvalidValueException {
        Number parsed = parseNumber(raw, style, false, RowErrorCode.INVALID_INTEGER, true);
        long value;
        if (parsed.digits == null) {
            value = parsed.integer;
        } else {
            BigDecimal decimal = new BigDecimal(parsed.digits, 0, parsed.length);
            if (decimal.signum() != 0 && decimal.stripTrailingZeros().scale() > 0) {
                throw new InvalidValueException(RowErrorCode.INVALID_INTEGER,
                        quote(raw) + " is not a whole number; expected a count such as " + example(style, false));
            }
            try {
                value = decimal.toBigInteger().longValueExact();
            } catch (ArithmeticException e) {
                throw new InvalidValueException(RowErrorCode.INVALID_INTEGER, quote(raw) + " is too large for a count");
            }
        }
        if (parsed.negative && value != 0) {
            throw new InvalidValueException(RowErrorCode.NEGATIVE, quote(raw) + " is negative; expected 0 or more");
        }
        return value;
    }

    /** Either a small integer (no separators, no fraction) or the plain digits for {@code BigDecimal}. */
    private static final class Number {
        boolean negative;
        long integer;
        char[] digits;
        int length;
    }

    private static Number parseNumber(String raw, NumberStyle style, boolean currencyAllowed, RowErrorCode invalidCode,
            boolean hint) throws InvalidValueException {
        int start = 0;
        int end = raw.length();
        while (start < end && Spaces.isSpace(raw.charAt(start))) {
            start++;
        }
        while (end > start && Spaces.isSpace(raw.charAt(end - 1))) {
            end--;
        }
        Number result = new Number();
        // Fast path: plain digits, the overwhelmingly common case in exports.
        if (end - start <= 18) {
            long n = 0;
            int i = start;
            while (i < end && isDigit(raw.charAt(i))) {
                n = n * 10 + (raw.charAt(i) - '0');
                i++;
            }
            if (i == end && end > start) {
                result.integer = n;
                return result;
            }
        }
        if (end - start > MAX_NUMBER_LENGTH) {
            throw new InvalidValueException(invalidCode, quote(raw) + " is too long to be a number");
        }
        if (end > start && raw.charAt(end - 1) == '%') {
            // No canonical field holds a ratio (spend is money, the others are counts), so 12% cannot be stored as
            // 12 or 0.12 without guessing what the user meant.
            throw new InvalidValueException(invalidCode, quote(raw) + " is a percentage, which this field cannot "
                    + "hold; expected a plain number such as " + example(style, currencyAllowed));
        }
        if (end - start >= 2 && raw.charAt(start) == '(' && raw.charAt(end - 1) == ')') {
            result.negative = true;
            start = Spaces.skipForward(raw, start + 1, end);
            end = Spaces.skipBackward(raw, start, end - 1);
        }
        boolean currencySeen = false;
        boolean signSeen = false;
        for (int pass = 0; pass < 2 && start < end; pass++) {
            char c = raw.charAt(start);
            if ((c == '-' || c == '\u2212' || c == '+') && !signSeen) {
                signSeen = true;
                if (c != '+') {
                    if (result.negative) {
                        throw invalid(raw, style, currencyAllowed, invalidCode, hint);
                    }
                    result.negative = true;
                }
                start = Spaces.skipForward(raw, start + 1, end);
            } else if (currencyAllowed && !currencySeen) {
                int after = currencyPrefix(raw, start, end);
                if (after == start) {
                    break;
                }
                currencySeen = true;
                start = Spaces.skipForward(raw, after, end);
            } else {
                break;
            }
        }
        if (currencyAllowed && !currencySeen) {
            int before = currencySuffix(raw, start, end);
            if (before != end) {
                end = Spaces.skipBackward(raw, start, before);
            }
        }
        char decimalSeparator = style == NumberStyle.US ? '.' : ',';
        char[] digits = new char[end - start + 1];
        int length = 0;
        int groupSeparator = -1;
        int digitsInGroup = 0;
        boolean grouped = false;
        boolean decimalSeen = false;
        int totalDigits = 0;
        for (int i = start; i < end; i++) {
            char c = raw.charAt(i);
            if (isDigit(c)) {
                digits[length++] = c;
                digitsInGroup++;
                totalDigits++;
            } else if (c == decimalSeparator && !decimalSeen) {
                if (grouped && digitsInGroup != 3) {
                    throw invalid(raw, style, currencyAllowed, invalidCode, hint);
                }
                decimalSeen = true;
                digits[length++] = '.';
                digitsInGroup = 0;
            } else if (!decimalSeen && isGroupSeparator(c, style) && (groupSeparator < 0 || groupSeparator == c)) {
                boolean firstGroupOk = !grouped && digitsInGroup >= 1 && digitsInGroup <= 3;
                boolean laterGroupOk = grouped && digitsInGroup == 3;
                if (!firstGroupOk && !laterGroupOk) {
                    throw invalid(raw, style, currencyAllowed, invalidCode, hint);
                }
                groupSeparator = c;
                grouped = true;
                digitsInGroup = 0;
            } else {
                throw invalid(raw, style, currencyAllowed, invalidCode, hint);
            }
        }
        if (totalDigits == 0 || (grouped && !decimalSeen && digitsInGroup != 3)) {
            throw invalid(raw, style, currencyAllowed, invalidCode, hint);
        }
        if (length > 0 && digits[length - 1] == '.') {
            length--;
        }
        result.digits = digits;
        result.length = length;
        return result;
    }

    private static boolean isGroupSeparator(char c, NumberStyle style) {
        return style == NumberStyle.US ? c == ','
                : c == '.' || c == ' ' || c == '\u00A0' || c == '\u202F';
    }

    private static int currencyPrefix(String raw, int start, int end) {
        char c = raw.charAt(start);
        if (c == '$' || c == '€' || c == '£' || c == '¥') {
            return start + 1;
        }
        if (end - start >= 3 && isCurrencyCode(raw, start)) {
            return start + 3;
        }
        return start;
    }

    private static int currencySuffix(String raw, int start, int end) {
        if (end <= start) {
            return end;
        }
        char c = raw.charAt(end - 1);
        if (c == '$' || c == '€' || c == '£' || c == '¥') {
            return end - 1;
        }
        if (end - start >= 3 && isCurrencyCode(raw, end - 3)) {
            return end - 3;
        }
        return end;
    }

    private static boolean isCurrencyCode(String raw, int at) {
        for (String code : CURRENCY_CODES) {
            if (raw.regionMatches(true, at, code, 0, 3)) {
                return true;
            }
        }
        return false;
    }

    private static InvalidValueException invalid(String raw, NumberStyle style, boolean decimal, RowErrorCode code,
            boolean withHint) {
        String expected = decimal ? "a number" : "a whole number";
        String hint = "";
        NumberStyle other = style == NumberStyle.US ? NumberStyle.EUROPEAN : NumberStyle.US;
        try {
            if (withHint) {
                parseNumber(raw, other, decimal, code, false);
                hint = "; it reads as " + describe(other) + ", but this column is read as " + describe(style);
            }
        } catch (InvalidValueException notTheOtherStyleEither) {
            // No better hint than the expected shape.
        }
        return new InvalidValueException(code, quote(raw) + " is not " + expected + "; expected "
                + describe(style) + " such as " + example(style, decimal) + hint);
    }

    private static String describe(NumberStyle style) {
        return style == NumberStyle.US ? "US style (1,234.56)" : "European style (1.234,56)";
    }

    private static String example(NumberStyle style, boolean decimal) {
        if (!decimal) {
            return style == NumberStyle.US ? "1,234" : "1.234";
        }
        return style == NumberStyle.US ? "1234.56 or $1,234.56" : "1234,56 or 1.234,56 €";
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
