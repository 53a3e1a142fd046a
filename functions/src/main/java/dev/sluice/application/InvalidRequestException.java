package dev.sluice.application;

/** A request the caller can fix; the message says which field and why, and is safe to show. */
public final class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final int httpStatus;

    public InvalidRequestException(String code, int httpStatus, String message) {
        super(message);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public static InvalidRequestException badField(String field, String problem) {
        return new InvalidRequestException("INVALID_REQUEST", 400, "'" + field + "' " + problem);
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
