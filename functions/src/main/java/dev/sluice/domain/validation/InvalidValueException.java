package dev.sluice.domain.validation;

/**
 * A field value that cannot be used. The message says what is wrong with the value and what is expected; the
 * reader adds record, line and column. Thrown once per bad value, so it carries no stack trace.
 */
public final class InvalidValueException extends Exception {
    private final RowErrorCode code;

    public InvalidValueException(RowErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** INVALID_DATE, INVALID_NUMBER, INVALID_INTEGER or NEGATIVE. */
    public RowErrorCode code() {
        return code;
    }

    /**
     * The value as messages quote it: in single quotes, cut to 80 characters. The reader puts the field's name
     * before it, so a message reads {@code spend '-5.00' is negative}.
     */
    static String quote(String raw) {
        String shown = raw.length() > 80 ? raw.substring(0, 77) + "..." : raw;
        return "'" + shown + "'";
    }
}
