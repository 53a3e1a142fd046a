package dev.sluice.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Translates between HTTP requests and API Gateway HTTP API payload format 2.0 events. */
public final class ApiGatewayEvents {
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private ApiGatewayEvents() {
    }

    /** What the gateway saw; header names in any case, repeated headers as separate values. */
    public record HttpRequest(String method, String rawPath, String rawQueryString, Map<String, List<String>> headers,
            byte[] body, String sourceIp, String host) {
    }

    public static APIGatewayV2HTTPEvent toEvent(HttpRequest request, HttpApiRoute route, Map<String, String> pathParameters) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("cookie")) {
                for (String value : values) {
                    for (String cookie : value.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.trim());
                        }
                    }
                }
            } else {
                // Payload 2.0 joins repeated headers with commas.
                headers.merge(lower, String.join(",", values), (a, b) -> a + "," + b);
            }
        });
        String query = request.rawQueryString() == null ? "" : request.rawQueryString();
        Map<String, String> queryParameters = queryParameters(query);
        String contentType = headers.getOrDefault("content-type", "");
        byte[] body = request.body() == null ? new byte[0] : request.body();
        boolean base64 = body.length > 0 && !isText(contentType);
        Instant now = Instant.now();
        String requestId = UUID.randomUUID().toString();
        String host = request.host() == null ? "127.0.0.1" : request.host();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(route.routeKey())
                .withRawPath(request.rawPath())
                .withRawQueryString(query)
                .withCookies(cookies.isEmpty() ? null : cookies)
                .withHeaders(headers)
                .withQueryStringParameters(queryParameters.isEmpty() ? null : queryParameters)
                .withPathParameters(pathParameters.isEmpty() ? null : pathParameters)
                .withBody(body.length == 0 ? null
                        : base64 ? Base64.getEncoder().encodeToString(body) : new String(body, StandardCharsets.UTF_8))
                .withIsBase64Encoded(base64)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withAccountId("000000000000")
                        .withApiId("local")
                        .withDomainName(host)
                        .withDomainPrefix(host.contains(".") ? host.substring(0, host.indexOf('.')) : host)
                        .withRouteKey(route.routeKey())
                        .withStage("$default")
                        .withRequestId(requestId)
                        .withTime(REQUEST_TIME.format(now))
                        .withTimeEpoch(now.toEpochMilli())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(request.method().toUpperCase(Locale.ROOT))
                                .withPath(request.rawPath())
                                .withProtocol("HTTP/1.1")
                                .withSourceIp(request.sourceIp())
                                .withUserAgent(headers.getOrDefault("user-agent", ""))
                                .build())
                        .build())
                .build();
    }

    /**
     * What API Gateway's JWT authorizer adds to the event: every claim as a string (numbers and booleans as written,
     * arrays as {@code [a b]}, objects as JSON) and no scopes for an ID token.
     */
    public static void authorize(APIGatewayV2HTTPEvent event, Map<String, Object> claims) {
        Map<String, String> strings = new LinkedHashMap<>();
        claims.forEach((name, value) -> {
            if (value != null) {
                strings.put(name, claimString(value));
            }
        });
        event.getRequestContext().setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                        .withClaims(strings).withScopes(null).build())
                .build());
    }

    static String claimString(Object value) {
        if (value instanceof java.util.Collection<?> values) {
            List<String> parts = new ArrayList<>();
            values.forEach(v -> parts.add(claimString(v)));
            return "[" + String.join(" ", parts) + "]";
        }
        if (value instanceof Map<?, ?> object) {
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(object);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return String.valueOf(object);
            }
        }
        return String.valueOf(value);
    }

    /** Payload 2.0: decoded names and values, repeated parameters joined with commas. */
    static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            parameters.merge(name, value, (a, b) -> a + "," + b);
        }
        return parameters;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    /** API Gateway base64-encodes bodies unless the content type is textual. */
    static boolean isText(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.isEmpty() || type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.contains("javascript") || type.contains("x-www-form-urlencoded") || type.contains("graphql")
                || type.contains("yaml");
    }

    /** The response body as bytes, decoding base64 when the function says so. */
    public static byte[] responseBody(APIGatewayV2HTTPResponse response) {
        String body = response.getBody();
        if (body == null) {
            return new byte[0];
        }
        return response.getIsBase64Encoded() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
    }
}
