package dev.sluice.application;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A request the caller can fix; the message says which field and why, and is safe to show. */
public final class InvalidRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final int httpStatus;
    private final transient Map<String, Object> details;

    public InvalidRequestException(String code, int httpStatus, String message) {
        this(code, httpStatus, message, Map.of());
    }

    /**
     * @param details extra members of the error object a client can act on (strings and numbers), e.g. the run a
     *                duplicate points at or the limit that was exceeded
     */
    public InvalidRequestException(String code, int httpStatus, String message, Map<String, Object> details) {
        super(message);
        this.code = code;
        this.httpStatus = httpStatus;
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** A limit exceeded: names the setting, its value and the value that exceeded it. */
    public static InvalidRequestException limit(String code, int httpStatus, String message, String setting,
            long max, long value) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("limit", setting);
        details.put("max", max);
        details.put("value", value);
        return new InvalidRequestException(code, httpStatus, message, details);
    }

    public Map<String, Object> details() {
        return details;
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
