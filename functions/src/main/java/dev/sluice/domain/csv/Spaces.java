package dev.sluice.domain.csv;

/**
 * Whitespace as spreadsheets write it, shared by the profiler (header names) and validation (values): both must
 * agree on what a blank cell is, so it is defined once here, beside the dialect it belongs to.
 */
public final class Spaces {
    private Spaces() {
    }

    /** Whitespace as spreadsheets produce it: ASCII whitespace, no-break space and narrow no-break space. */
    public static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\u00A0' || c == '\u202F' || c == '\u2007' || (c < ' ' && c != 0)
                || Character.isWhitespace(c);
    }

    public static String trim(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && isSpace(value.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(value.charAt(end - 1))) {
            end--;
        }
        return start == 0 && end == value.length() ? value : value.substring(start, end);
    }

    public static boolean isBlank(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (!isSpace(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The first index in {@code [start, end)} of {@code value} that is not a space, or {@code end}. */
    public static int skipForward(String value, int start, int end) {
        while (start < end && isSpace(value.charAt(start))) {
            start++;
        }
        return start;
    }

    /** One past the last index in {@code [start, end)} of {@code value} that is not a space, or {@code start}. */
    public static int skipBackward(String value, int start, int end) {
        while (end > start && isSpace(value.charAt(end - 1))) {
            end--;
        }
        return end;
    }
}
