package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.identity.CallerResolver;
import dev.sluice.application.progress.SocketSessions;
import dev.sluice.config.SocketWiring;
import dev.sluice.config.Settings;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket API's integration for {@code $connect}, {@code $disconnect} and the message routes
 * ({@code subscribe}, {@code unsubscribe}, {@code $default}, selected by {@code $request.body.action}). Answers to
 * messages are posted to the connection through the @connections API, never returned: a WebSocket route returns
 * nothing to the client unless a route response is configured, and the subscriptions' snapshots must go out before
 * any progress does.
 */
public final class SocketFunction
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketFunction.class);

    private final SocketSessions sessions;
    private final CallerResolver callers;
    private final Runnable closer;

    /** Lambda's constructor: wired from the process environment. */
    public SocketFunction() {
        this(Settings.fromEnvironment(System.getenv()));
    }

    /** Wired from the given settings, for a runtime that hosts several functions in one JVM (the local one). */
    public SocketFunction(Settings settings) {
        this(new SocketWiring(settings));
    }

    private SocketFunction(SocketWiring wiring) {
        this(wiring.socketSessions(), wiring.callerResolver(), wiring::close);
    }

    public SocketFunction(SocketSessions sessions, CallerResolver callers) {
        this(sessions, callers, () -> {
        });
    }

    private SocketFunction(SocketSessions sessions, CallerResolver callers, Runnable closer) {
        this.sessions = sessions;
        this.callers = callers;
        this.closer = closer;
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        return Telemetry.invocation(context, () -> {
            var request = event.getRequestContext();
            String connectionId = request.getConnectionId();
            try {
                return switch (request.getEventType()) {
                    case "CONNECT" -> connect(event, connectionId);
                    case "DISCONNECT" -> {
                        sessions.disconnect(connectionId);
                        yield status(200);
                    }
                    case "MESSAGE" -> {
                        sessions.receive(connectionId, body(event));
                        yield status(200);
                    }
                    default -> throw new IllegalArgumentException("unknown eventType " + request.getEventType());
                };
            } catch (RuntimeException e) {
                LOG.error("{} {} on connection {} failed (request id {})", request.getEventType(),
                        request.getRouteKey(), connectionId, request.getRequestId(), e);
                return status(500);
            }
        });
    }

    private APIGatewayV2WebSocketResponse connect(APIGatewayV2WebSocketEvent event, String connectionId) {
        Optional<Caller> caller = callers.resolve(new CallerResolver.ConnectAttempt(
                event.getQueryStringParameters(), event.getHeaders(), event.getRequestContext().getAuthorizer()));
        if (caller.isEmpty()) {
            // A non-2xx answer to $connect makes API Gateway refuse the upgrade with that status.
            return status(401);
        }
        return switch (sessions.connect(connectionId, caller.get(), origin(event))) {
            case ACCEPTED -> status(200);
            case ORIGIN_NOT_ALLOWED -> status(403);
            case TOO_MANY_CONNECTIONS -> status(429);
        };
    }

    /** Header names keep the client's case in API Gateway's WebSocket events. */
    private static Optional<String> origin(APIGatewayV2WebSocketEvent event) {
        return event.getHeaders() == null ? Optional.empty() : event.getHeaders().entrySet().stream()
                .filter(header -> header.getKey().equalsIgnoreCase("Origin")).map(Map.Entry::getValue).findFirst();
    }

    private static String body(APIGatewayV2WebSocketEvent event) {
        String body = event.getBody();
        if (body != null && event.isIsBase64Encoded()) {
            return new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        return body;
    }

    private static APIGatewayV2WebSocketResponse status(int code) {
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(code);
        return response;
    }

    /** Releases the clients this handler built (the local runtime calls it at stop; Lambda never does). */
    @Override
    public void close() {
        closer.run();
    }
}
