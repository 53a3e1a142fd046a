package dev.sluice.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The events API Gateway sends a WebSocket API's Lambda proxy integration, as JSON of the documented shape
 * ({@code events/websocket-*.json}), and as the {@link APIGatewayV2WebSocketEvent} the Lambda runtime hands the
 * handler after reading that JSON.
 */
public final class WebSocketEvents {
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** For the gateway's authorizer events, which have no SDK type. */
    static final ObjectMapper JSON_MAPPER = JSON;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebSocketEvents() {
    }

    /** What every event of one connection shares. */
    public record Connection(String connectionId, Instant connectedAt, String domainName, String stage, String apiId,
            String sourceIp, String userAgent) {
    }

    /** An id shaped like API Gateway's (12 base64 characters, e.g. {@code L0SM9cOFvHcCIhw=}). */
    public static String newConnectionId() {
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).replace('/', '_');
    }

    /** {@code $connect}: headers and query string of the upgrade request, as single and multi values. */
    public static ObjectNode connect(Connection connection, Map<String, List<String>> headers,
            Map<String, List<String>> query) {
        ObjectNode event = JSON.createObjectNode();
        ObjectNode single = event.putObject("headers");
        ObjectNode multi = event.putObject("multiValueHeaders");
        headers.forEach((name, values) -> {
            single.put(name, values.getLast());
            values.forEach(multi.putArray(name)::add);
        });
        if (!query.isEmpty()) {
            ObjectNode singleQuery = event.putObject("queryStringParameters");
            ObjectNode multiQuery = event.putObject("multiValueQueryStringParameters");
            query.forEach((name, values) -> {
                singleQuery.put(name, values.getLast());
                values.forEach(multiQuery.putArray(name)::add);
            });
        }
        ObjectNode context = requestContext(event, connection, "$connect", "CONNECT");
        context.putObject("identity").put("sourceIp", connection.sourceIp()).put("userAgent", connection.userAgent());
        event.put("isBase64Encoded", false);
        return event;
    }

    /** {@code $disconnect}, with the close code and reason API Gateway reports. */
    public static ObjectNode disconnect(Connection connection, int statusCode, String reason) {
        ObjectNode event = JSON.createObjectNode();
        event.putObject("headers").put("Host", connection.domainName());
        event.putObject("multiValueHeaders").putArray("Host").add(connection.domainName());
        ObjectNode context = requestContext(event, connection, "$disconnect", "DISCONNECT");
        context.put("disconnectStatusCode", statusCode);
        context.put("disconnectReason", reason == null ? "" : reason);
        context.putObject("identity").put("sourceIp", connection.sourceIp()).put("userAgent", connection.userAgent());
        event.put("isBase64Encoded", false);
        return event;
    }

    /** A message, routed to {@code routeKey}; text frames arrive as they are, binary ones base64-encoded. */
    public static ObjectNode message(Connection connection, String routeKey, String body, boolean base64) {
        ObjectNode event = JSON.createObjectNode();
        ObjectNode context = requestContext(event, connection, routeKey, "MESSAGE");
        context.put("messageId", newConnectionId());
        context.putObject("identity").put("sourceIp", connection.sourceIp()).put("userAgent", connection.userAgent());
        event.put("body", body);
        event.put("isBase64Encoded", base64);
        return event;
    }

    private static ObjectNode requestContext(ObjectNode event, Connection connection, String routeKey,
            String eventType) {
        Instant now = Instant.now();
        ObjectNode context = event.putObject("requestContext");
        context.put("routeKey", routeKey);
        context.put("eventType", eventType);
        context.put("extendedRequestId", UUID.randomUUID().toString());
        context.put("requestTime", REQUEST_TIME.format(now));
        context.put("messageDirection", "IN");
        context.put("stage", connection.stage());
        context.put("connectedAt", connection.connectedAt().toEpochMilli());
        context.put("requestTimeEpoch", now.toEpochMilli());
        context.put("requestId", UUID.randomUUID().toString());
        context.put("domainName", connection.domainName());
        context.put("connectionId", connection.connectionId());
        context.put("apiId", connection.apiId());
        return context;
    }

    /** The event object the Lambda Java runtime builds from this JSON. */
    public static APIGatewayV2WebSocketEvent toEvent(ObjectNode json) {
        return JSON.convertValue(json, APIGatewayV2WebSocketEvent.class);
    }

    /** The route a message goes to: the value of the selection field when a route has that key, else $default. */
    public static String selectRoute(String body, String selectionField, java.util.Set<String> routeKeys) {
        try {
            var node = JSON.readTree(body);
            if (node != null && node.isObject() && node.path(selectionField).isTextual()) {
                String key = node.get(selectionField).asText();
                if (!key.startsWith("$") && routeKeys.contains(key)) {
                    return key;
                }
            }
        } catch (java.io.IOException e) {
            // not JSON: API Gateway routes it to $default as well
        }
        return "$default";
    }
}
