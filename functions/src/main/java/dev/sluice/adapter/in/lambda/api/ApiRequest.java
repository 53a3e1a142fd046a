package dev.sluice.adapter.in.lambda.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the handler reads of an HTTP API (payload 2.0) request.
 *
 * @param path      the raw path without a trailing slash ({@code /} stays); segments are not URL-decoded
 * @param body      the body as sent, base64 when {@code base64}; null when there is none
 * @param requestId API Gateway's request id, which the log lines of this request carry too; null when absent
 * @param claims    the verified token's claims, or empty when no authorizer ran
 */
public record ApiRequest(String method, String path, Map<String, String> query, String body, boolean base64,
        String requestId, Optional<Map<String, String>> claims) {

    public ApiRequest {
        method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
        path = path == null || path.isEmpty() ? "/" : path;
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        query = query == null ? Map.of() : Map.copyOf(query);
        claims = claims == null ? Optional.empty() : claims.map(Map::copyOf);
    }

    public static ApiRequest from(APIGatewayV2HTTPEvent event) {
        var context = event.getRequestContext();
        String method = context == null || context.getHttp() == null ? null : context.getHttp().getMethod();
        Optional<Map<String, String>> claims = context == null || context.getAuthorizer() == null
                || context.getAuthorizer().getJwt() == null
                ? Optional.empty() : Optional.ofNullable(context.getAuthorizer().getJwt().getClaims());
        return new ApiRequest(method, event.getRawPath(), withoutNulls(event.getQueryStringParameters()),
                event.getBody(), event.getIsBase64Encoded(), context == null ? null : context.getRequestId(), claims);
    }

    /** A query string parameter, or null. */
    public String query(String name) {
        return query.get(name);
    }

    private static Map<String, String> withoutNulls(Map<String, String> map) {
        if (map == null) {
            return Map.of();
        }
        var copy = new LinkedHashMap<String, String>();
        map.forEach((name, value) -> {
            if (name != null && value != null) {
                copy.put(name, value);
            }
        });
        return copy;
    }
}
