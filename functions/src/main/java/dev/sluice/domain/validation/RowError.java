package dev.sluice.domain.validation;

import java.util.Objects;

/**
 * Why (part of) a record was rejected.
 *
 * @param column     the header name of the offending column, or null when the whole record is at fault
 * @param code       why; {@link RowErrorCode} says when each code happens and what the user can do
 * @param message    for the analyst: record, line, column, the bad value and what is expected
 * @param rawExcerpt the offending value, or the raw record, cut to {@value #MAX_EXCERPT} characters
 */
public record RowError(long recordNo, long lineNo, String column, RowErrorCode code, String message,
        String rawExcerpt) {
    public static final int MAX_EXCERPT = 200;

    public RowError {
        if (recordNo < 1 || lineNo < 1) {
            throw new IllegalArgumentException("recordNo and lineNo are 1-based: " + recordNo + ", " + lineNo);
        }
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        rawExcerpt = rawExcerpt == null ? "" : excerpt(rawExcerpt);
    }

    /** Cuts to {@value #MAX_EXCERPT} characters without splitting a surrogate pair. */
    static String excerpt(String raw) {
        if (raw.length() <= MAX_EXCERPT) {
            return raw;
        }
        int end = MAX_EXCERPT;
        if (Character.isHighSurrogate(raw.charAt(end - 1))) {
            end--;
        }
        return raw.substring(0, end);
    }
}
