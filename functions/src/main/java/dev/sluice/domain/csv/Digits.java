package dev.sluice.domain.csv;

/** ASCII digit runs inside a value, as date shapes and date parsing read them (no signs, no other scripts). */
public final class Digits {
    private Digits() {
    }

    public static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Whether {@code value[start, end)} is one or more ASCII digits. */
    public static boolean digits(String value, int start, int end) {
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

    /** The number {@code value[start, end)} spells; the caller has checked it is {@link #digits digits}. */
    public static int number(String value, int start, int end) {
        int n = 0;
        for (int i = start; i < end; i++) {
            n = n * 10 + (value.charAt(i) - '0');
        }
        return n;
    }
}
