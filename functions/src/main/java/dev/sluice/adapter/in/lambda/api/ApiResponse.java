package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** A JSON response: status, body and any headers beyond the content type. */
public record ApiResponse(int status, JsonNode body, Map<String, String> headers) {

    public ApiResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static ApiResponse ok(JsonNode body) {
        return new ApiResponse(200, body, Map.of());
    }

    public static ApiResponse created(JsonNode body) {
        return new ApiResponse(201, body, Map.of());
    }

    /** 204: done, nothing to say (the handler sends no body). */
    public static ApiResponse noContent() {
        return new ApiResponse(204, null, Map.of());
    }
}
