package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A response: status, body and any headers beyond the content type. The body is JSON, or, for a download,
 * {@code text} (sent as it is, with the content type its headers name).
 */
public record ApiResponse(int status, JsonNode body, Map<String, String> headers, String text) {

    public ApiResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public ApiResponse(int status, JsonNode body, Map<String, String> headers) {
        this(status, body, headers, null);
    }

    public static ApiResponse ok(JsonNode body) {
        return new ApiResponse(200, body, Map.of());
    }

    public static ApiResponse created(JsonNode body) {
        return new ApiResponse(201, body, Map.of());
    }

    /** 204: done, nothing to say (the handler sends no body). */
    public static ApiResponse noContent() {
        return new ApiResponse(204, null, Map.of(), null);
    }

    /** A text body, e.g. a CSV download; {@code headers} must name its Content-Type. */
    public static ApiResponse text(int status, String text, Map<String, String> headers) {
        return new ApiResponse(status, null, headers, text);
    }
}
