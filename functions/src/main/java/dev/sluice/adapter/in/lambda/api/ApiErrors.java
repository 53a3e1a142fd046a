package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/**
 * Every error the API answers: {@code {"error":{"code","message"}}}, plus {@code "requestId"} on a 5xx. Messages
 * come from our own code and name what the caller can change; an internal fault's details stay in the log.
 */
public final class ApiErrors {
    /** Paths echoed in a message are cut here: a client sent them, but a kilobyte of one helps nobody. */
    private static final int SHOWN_PATH_CHARS = 200;

    private final ObjectMapper json;

    public ApiErrors(ObjectMapper json) {
        this.json = json;
    }

    public ApiResponse error(int status, String code, String message) {
        return new ApiResponse(status, body(code, message), Map.of());
    }

    /**
     * With the extra members a client can act on (the run a duplicate points at, the limit and the value that
     * exceeded it); {@code retryAfterSeconds} is also sent as {@code Retry-After}.
     */
    public ApiResponse error(int status, String code, String message, Map<String, Object> details) {
        ObjectNode body = body(code, message);
        ObjectNode error = (ObjectNode) body.get("error");
        details.forEach((name, value) -> error.set(name, json.valueToTree(value)));
        Object retryAfter = details.get("retryAfterSeconds");
        return new ApiResponse(status, body,
                retryAfter instanceof Number seconds ? Map.of("Retry-After", Long.toString(seconds.longValue()))
                        : Map.of());
    }

    public ApiResponse noRoute(String method, String path) {
        return error(404, "NOT_FOUND", "No route for " + method + " " + shown(path));
    }

    public ApiResponse wrongMethod(String method, String path, Set<String> allowed) {
        String methods = String.join(", ", allowed);
        return new ApiResponse(405, body("METHOD_NOT_ALLOWED", method + " is not supported on " + shown(path)
                + "; use " + methods), Map.of("Allow", methods));
    }

    /** A fault of ours: nothing of it is shown, only the request id under which it was logged. */
    public ApiResponse internal(String requestId) {
        ObjectNode body = body("INTERNAL", "Something went wrong on our side; it has been logged with request id "
                + requestId + ". Try again, and quote the request id if it keeps happening.");
        ((ObjectNode) body.get("error")).put("requestId", requestId);
        return new ApiResponse(500, body, Map.of());
    }

    private ObjectNode body(String code, String message) {
        ObjectNode body = json.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return body;
    }

    private static String shown(String path) {
        return path.length() > SHOWN_PATH_CHARS ? path.substring(0, SHOWN_PATH_CHARS) + "..." : path;
    }
}
