package dev.sluice.application.split;

/** A file exceeds a limit found while it streams; the run ends FAILED with {@link #code()}. */
final class LimitExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    LimitExceededException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    String code() {
        return code;
    }
}
