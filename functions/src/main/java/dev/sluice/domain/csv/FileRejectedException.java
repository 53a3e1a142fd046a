package dev.sluice.domain.csv;

import java.util.Objects;

/**
 * The whole file cannot be imported. The message says what is wrong, where, and how to fix it; the caller adds
 * which file. The run ends FAILED with {@link #code()} as its failure code.
 */
public final class FileRejectedException extends Exception {
    /** Zero bytes, or nothing but blank lines. */
    public static final String EMPTY_FILE = "EMPTY_FILE";
    /** Not text: a spreadsheet, an archive, an image, or NUL bytes. */
    public static final String UNREADABLE_FILE = "UNREADABLE_FILE";
    /** No column for a required field (date, campaign, channel). */
    public static final String MISSING_COLUMNS = "MISSING_COLUMNS";
    /** The requested mapping names a column the header does not have. */
    public static final String UNKNOWN_COLUMN = "UNKNOWN_COLUMN";
    /** The header record does not end within the profiled prefix. */
    public static final String HEADER_TOO_LONG = "HEADER_TOO_LONG";
    /** The dataset pins a header row on which no record starts. */
    public static final String HEADER_NOT_FOUND = "HEADER_NOT_FOUND";
    /** The header holds bytes that are not valid in the file's encoding, so its names cannot be read. */
    public static final String HEADER_ENCODING = "HEADER_ENCODING";

    private final String code;

    public FileRejectedException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public String code() {
        return code;
    }
}
