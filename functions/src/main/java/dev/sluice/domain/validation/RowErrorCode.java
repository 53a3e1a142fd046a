package dev.sluice.domain.validation;

/**
 * Why a record was rejected: the one list of row error codes. The name is the code as stored in PostgreSQL and
 * shown by the API and the CLI, so a constant is never renamed. Each constant says when it happens and what the
 * user can do about it; README's table of row error codes is checked against these comments by a test.
 */
public enum RowErrorCode {
    /**
     * The record has more or fewer fields than the header (in a raw dataset only more: missing values at the end are
     * stored as empty strings). Look for a missing or extra delimiter, or a value that holds the delimiter without
     * quotes around it.
     */
    FIELD_COUNT,
    /** A date, campaign or channel value is empty. Fill it in, or remove the record. */
    REQUIRED,
    /** A campaign or channel value is longer than 1,000 characters. Shorten it. */
    TOO_LONG,
    /**
     * A date is not in an accepted format, is no real day (2024-02-30), or does not fit its column's date order
     * (13/04/2024 in a month-day-year column). Write it as {@code yyyy-MM-dd}, {@code yyyy/MM/dd},
     * {@code MMM d, yyyy}, {@code dd.MM.yyyy} or in the column's order; pin the dataset's date order if the
     * order the run decided is wrong.
     */
    INVALID_DATE,
    /**
     * A spend or conversions value is not a number in its column's number style (US {@code 1,234.56} or European
     * {@code 1.234,56}), or is a percentage. Write a plain amount; the message says which style was detected.
     */
    INVALID_NUMBER,
    /**
     * A clicks or impressions value is not a whole number, or is too large. Write a count without a fraction.
     */
    INVALID_INTEGER,
    /** A metric is below zero ({@code -5} or {@code (5)}). Metrics are 0 or more: correct the value. */
    NEGATIVE,
    /**
     * The record holds bytes that are not valid in the file's detected encoding. Save the file as UTF-8, or fix
     * the bytes the message names.
     */
    ENCODING,
    /**
     * A text value, mapped or not, holds a NUL character, which PostgreSQL text cannot store (it is not stored
     * altered). Remove it from the file.
     */
    INVALID_TEXT,
    /**
     * A quoted field is never closed, so the rest of the file was read as one value. Add the missing closing
     * quote near the line the message names.
     */
    UNTERMINATED_QUOTE,
    /**
     * The record holds more than 1,048,576 characters of values; it is read to its end and rejected, and the
     * records after it load. Look for a missing line break or a quote left open.
     */
    RECORD_TOO_LONG,
    /**
     * The record's chunk failed every delivery attempt, or its file changed while it loaded, so the record was
     * not read. Redrive the run to try these records again, or import the current file as a new run.
     */
    CHUNK_FAILED,
    /**
     * A totals row ({@code Total}, {@code Grand total}, {@code Total: ...}, {@code Gesamt}, ... in its first
     * non-empty cell, and no valid date) is not data, so it is not loaded. Nothing needs fixing; remove the totals
     * from the export to avoid the error.
     */
    SUMMARY_ROW,
    /**
     * A transformation or calculated column of the mapping failed on the record (a value that is not a number or a
     * date in the pattern given, a division by zero, ...), or cannot run at all (a column it reads is not in the
     * file, a broken expression in a saved mapping). The message names the column and the expression: fix the
     * value, or the mapping's transformation.
     */
    TRANSFORM_FAILED
}
