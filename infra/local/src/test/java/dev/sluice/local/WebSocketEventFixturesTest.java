package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.local.function.DynamodbEventJson;
import dev.sluice.local.gateway.WebSocketEvents;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The events the local gateway sends SocketFunction have the shapes of {@code events/websocket-*.json} (API
 * Gateway's documented $connect, $disconnect and message events), and both progress handlers accept the fixtures.
 */
@ExtendWith(SharedStack.class)
class WebSocketEventFixturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void gatewaySendsTheDocumentedShapesForConnectMessageAndDisconnect(LocalSluice sluice) throws Exception {
        var gateway = sluice.webSocketGateway();
        String token = TestSignIn.token(sluice.baseUrl());
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(TestSignIn.webSocket(sluice, token), new WebSocket.Listener() { })
                .get(20, TimeUnit.SECONDS);
        Poll.until(WAIT, "a CONNECT event", () -> gateway.lastEvent("CONNECT")
                .filter(e -> e.at("/queryStringParameters/token").asText().equals(token)).isPresent());
        socket.sendText("{\"action\":\"subscribe\",\"runId\":\"no-such-run\"}", true).get(10, TimeUnit.SECONDS);
        Poll.until(WAIT, "a MESSAGE event", () -> gateway.lastEvent("MESSAGE")
                .filter(e -> e.path("body").asText().contains("no-such-run")).isPresent());
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        Poll.until(WAIT, "a DISCONNECT event", () -> gateway.lastEvent("DISCONNECT").isPresent());

        ObjectNode connect = gateway.lastEvent("CONNECT").orElseThrow();
        assertEquals(shape(fixture("websocket-connect.json")), shape(connect));
        assertEquals(token, connect.at("/multiValueQueryStringParameters/token/0").asText());
        // The authorizer's context, as API Gateway passes it on to $connect.
        assertEquals("admin@example.com", connect.at("/requestContext/authorizer/email").asText(), connect::toString);
        assertEquals("admin", connect.at("/requestContext/authorizer/groups").asText());
        assertEquals(connect.at("/requestContext/authorizer/sub"), connect.at("/requestContext/authorizer/principalId"));
        ObjectNode authorizer = gateway.lastEvent("AUTHORIZER").orElseThrow();
        assertEquals("REQUEST", authorizer.path("type").asText());
        assertTrue(authorizer.path("methodArn").asText().endsWith("/live/$connect"), authorizer::toString);
        assertTrue(connect.path("headers").has("Sec-WebSocket-Key"), connect::toString);
        assertEquals("$connect", connect.at("/requestContext/routeKey").asText());
        assertEquals("live", connect.at("/requestContext/stage").asText(), "the template's stage");

        ObjectNode message = gateway.lastEvent("MESSAGE").orElseThrow();
        assertEquals(shape(fixture("websocket-subscribe.json")), shape(message));
        assertEquals("subscribe", message.at("/requestContext/routeKey").asText(), "routed by $request.body.action");
        assertEquals(connect.at("/requestContext/connectionId"), message.at("/requestContext/connectionId"));

        ObjectNode disconnect = gateway.lastEvent("DISCONNECT").orElseThrow();
        assertEquals(shape(fixture("websocket-disconnect.json")), shape(disconnect));
        assertEquals(1000, disconnect.at("/requestContext/disconnectStatusCode").asInt());
    }

    @Test
    void socketFunctionAcceptsTheFixtures(LocalSluice sluice) throws Exception {
        LocalFunctionCalls socket = new LocalFunctionCalls(sluice, "SocketFunction");
        assertEquals(200, socket.status(fixture("websocket-connect.json")));
        // No socket is open for the fixture's connection id: the error answer meets 410 and is dropped quietly.
        assertEquals(200, socket.status(fixture("websocket-subscribe.json")));
        assertEquals(200, socket.status(fixture("websocket-disconnect.json")));
    }

    @Test
    void progressFunctionAcceptsTheStreamFixture(LocalSluice sluice) throws Exception {
        JsonNode fixture = fixture("dynamodb-stream-run-progress.json");
        Object result = sluice.localFunction("ProgressFunction").invoke(DynamodbEventJson.toEvent(fixture));
        StreamsEventResponse response = (StreamsEventResponse) result;
        assertNotNull(response.getBatchItemFailures());
        assertEquals(0, response.getBatchItemFailures().size(), "no run of the fixture failed");
        var event = DynamodbEventJson.toEvent(fixture);
        assertEquals("4950", event.getRecords().getFirst().getDynamodb().getNewImage().get("stored").getN());
        assertEquals("MODIFY", event.getRecords().getFirst().getEventName());
    }

    private record LocalFunctionCalls(LocalSluice sluice, String function) {
        int status(JsonNode event) throws Exception {
            Object result = sluice.localFunction(function).invoke(WebSocketEvents.toEvent((ObjectNode) event));
            return ((APIGatewayV2WebSocketResponse) result).getStatusCode();
        }
    }

    static JsonNode fixture(String name) throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        try (InputStream in = Files.newInputStream(dir.resolve("events").resolve(name))) {
            return JSON.readTree(in);
        }
    }

    /** Every leaf path of the event, with the request's own header names left out (they depend on the client). */
    static TreeSet<String> shape(JsonNode event) {
        return paths(event, "", new TreeSet<>());
    }

    private static TreeSet<String> paths(JsonNode node, String prefix, TreeSet<String> into) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                boolean headers = prefix.equals("/headers") || prefix.equals("/multiValueHeaders");
                paths(field.getValue(), prefix + "/" + (headers ? "*" : field.getKey()), into);
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                paths(item, prefix + "[]", into);
            }
        } else {
            into.add(prefix);
        }
        return into;
    }
}
