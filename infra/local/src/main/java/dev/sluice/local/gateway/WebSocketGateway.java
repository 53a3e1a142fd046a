package dev.sluice.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.local.function.LocalFunction;
import dev.sluice.local.template.WebSocketApiSpec;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.websocket.WsBinaryMessageContext;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsMessageContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The template's WebSocket API on the local gateway's port: a real WebSocket at {@code /ws} (query string passed
 * through, as {@code wss://…/stage?token=…} is on AWS), its route functions invoked with API Gateway's event JSON,
 * and the stage's {@code @connections} management endpoint ({@link ConnectionsEndpoint}) that the SDK's
 * ApiGatewayManagementApi client reaches with {@code http://127.0.0.1:PORT/{stage}} as endpoint override.
 *
 * <p>As on AWS: {@code $connect} runs before the upgrade completes and a non-2xx answer refuses it with that status;
 * messages are routed by the API's RouteSelectionExpression ({@code $request.body.action}) and invoked one at a
 * time per connection, in order; a socket idle for 10 minutes, or open for 2 hours, is closed; a message over
 * 128 KB is refused.
 */
public final class WebSocketGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketGateway.class);
    public static final String PATH = "/ws";
    /** API Gateway closes a WebSocket that has been idle for 10 minutes. */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
    /** API Gateway closes every WebSocket after 2 hours. */
    static final Duration MAX_CONNECTION = Duration.ofHours(2);
    /** API Gateway's WebSocket message limit (frames of 32 KB, messages of 128 KB). */
    static final int MAX_MESSAGE_BYTES = 128 * 1024;

    private final WebSocketApiSpec api;
    private final Map<String, LocalFunction> routeFunctions = new LinkedHashMap<>();
    /** The Lambda REQUEST authorizer the template puts on $connect, if any. */
    private final Optional<LocalFunction> connectAuthorizer;
    private final Map<String, LiveConnection> live = new ConcurrentHashMap<>();
    /** Upgrades accepted by $connect, by Sec-WebSocket-Key, until the socket opens. */
    private final Map<String, WebSocketEvents.Connection> accepted = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> lastEventByType = new ConcurrentHashMap<>();
    private final ExecutorService invoker = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon(true).name("ws-max-connection").factory());
    private final ConnectionsEndpoint endpoint = new ConnectionsEndpoint(this);

    /** One open socket. */
    record LiveConnection(WebSocketEvents.Connection connection, Session session, ScheduledFuture<?> maxAge,
            CompletableFuture<?>[] tail, Instant[] lastActive) {
    }

    public WebSocketGateway(WebSocketApiSpec api, Map<String, LocalFunction> functions) {
        this.api = api;
        api.routeFunctions().forEach((routeKey, functionId) -> {
            LocalFunction function = functions.get(functionId);
            if (function == null) {
                throw new IllegalArgumentException(api.logicalId() + " route " + routeKey + " names function "
                        + functionId + ", which the template does not define");
            }
            routeFunctions.put(routeKey, function);
        });
        this.connectAuthorizer = api.connectAuthorizerFunction().map(functionId -> {
            LocalFunction function = functions.get(functionId);
            if (function == null) {
                throw new IllegalArgumentException(api.logicalId() + " $connect authorizer names function "
                        + functionId + ", which the template does not define");
            }
            return function;
        });
    }

    public WebSocketApiSpec api() {
        return api;
    }

    /** Adds the socket, its routes and the @connections endpoint to the gateway's Javalin configuration. */
    public void configure(JavalinConfig config) {
        config.jetty.modifyWebSocketServletFactory(factory -> {
            factory.setIdleTimeout(IDLE_TIMEOUT);
            factory.setMaxTextMessageSize(MAX_MESSAGE_BYTES);
            factory.setMaxBinaryMessageSize(MAX_MESSAGE_BYTES);
        });
        config.routes.wsBeforeUpgrade(PATH, this::beforeUpgrade);
        config.routes.ws(PATH, ws -> {
            ws.onConnect(this::opened);
            ws.onMessage(this::message);
            ws.onBinaryMessage(this::binaryMessage);
            ws.onClose(this::closed);
            ws.onError(ctx -> LOG.debug("socket error on {}: {}", ctx.sessionId(), String.valueOf(ctx.error())));
        });
        String path = "/" + api.stageName() + "/@connections/{connectionId}";
        for (HandlerType method : List.of(HandlerType.POST, HandlerType.GET, HandlerType.DELETE)) {
            config.routes.addHttpHandler(method, path, endpoint::handle);
        }
    }

    /** The connection behind an id, while its socket is open. */
    Optional<LiveConnection> connection(String connectionId) {
        return Optional.ofNullable(live.get(connectionId));
    }

    /** Ids of the sockets open now. */
    public List<String> openConnections() {
        return List.copyOf(live.keySet());
    }

    /** The last event JSON sent for each eventType (CONNECT, DISCONNECT, MESSAGE), for checking shapes. */
    public Optional<ObjectNode> lastEvent(String eventType) {
        return Optional.ofNullable(lastEventByType.get(eventType)).map(ObjectNode::deepCopy);
    }

    private void beforeUpgrade(Context ctx) {
        String key = ctx.header("Sec-WebSocket-Key");
        if (key == null) {
            return;
        }
        String host = Optional.ofNullable(ctx.header("Host")).orElse("127.0.0.1").replaceFirst(":\\d+$", "");
        WebSocketEvents.Connection connection = new WebSocketEvents.Connection(WebSocketEvents.newConnectionId(),
                Instant.now(), host, api.stageName(), "local", ctx.req().getRemoteAddr(),
                Optional.ofNullable(ctx.header("User-Agent")).orElse(""));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            headers.put(name, Collections.list(ctx.req().getHeaders(name)));
        }
        ObjectNode event = WebSocketEvents.connect(connection, headers, ctx.queryParamMap());
        if (connectAuthorizer.isPresent()) {
            // As API Gateway: the authorizer decides before $connect runs, and its context reaches $connect.
            Optional<Map<String, Object>> allowed = authorize(connectAuthorizer.get(), event);
            if (allowed.isEmpty()) {
                throw new HttpResponseException(401, "Unauthorized");
            }
            ((ObjectNode) event.get("requestContext")).set("authorizer", WebSocketEvents.JSON_MAPPER.valueToTree(allowed.get()));
        }
        int status = invoke("$connect", event).map(APIGatewayV2WebSocketResponse::getStatusCode).orElse(200);
        if (status < 200 || status > 299) {
            throw new HttpResponseException(status, status == 401 ? "Unauthorized" : "Forbidden");
        }
        accepted.put(key, connection);
    }

    /**
     * Invokes the authorizer with API Gateway's REQUEST authorizer event; the context it returns (with
     * {@code principalId}) when its policy allows, else empty. A failing authorizer refuses too (API Gateway answers
     * 500 then; locally the upgrade gets 401 and the log says why).
     */
    private Optional<Map<String, Object>> authorize(LocalFunction authorizer, ObjectNode connectEvent) {
        ObjectNode request = connectEvent.deepCopy();
        request.put("type", "REQUEST");
        request.put("methodArn", "arn:aws:execute-api:us-east-1:000000000000:" + api.logicalId() + "/"
                + api.stageName() + "/$connect");
        request.putObject("stageVariables");
        lastEventByType.put("AUTHORIZER", request.deepCopy());
        Object result;
        long started = System.nanoTime();
        try {
            result = authorizer.invoke(WebSocketEvents.JSON_MAPPER.convertValue(request,
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { }));
        } catch (Exception | Error e) {
            LOG.warn("{} failed authorizing a $connect: {}", authorizer.logicalId(), e.toString());
            return Optional.empty();
        }
        var response = WebSocketEvents.JSON_MAPPER.valueToTree(result);
        boolean allow = false;
        for (var statement : response.path("policyDocument").path("Statement")) {
            if ("Allow".equals(statement.path("Effect").asText())) {
                allow = true;
            } else if ("Deny".equals(statement.path("Effect").asText())) {
                return Optional.empty();
            }
        }
        if (!allow) {
            return Optional.empty();
        }
        Map<String, Object> context = new LinkedHashMap<>();
        response.path("context").properties().forEach(field -> context.put(field.getKey(),
                field.getValue().isTextual() ? field.getValue().asText() : field.getValue().toString()));
        context.put("principalId", response.path("principalId").asText());
        context.put("integrationLatency", (System.nanoTime() - started) / 1_000_000);
        return Optional.of(context);
    }

    private void opened(WsConnectContext ctx) {
        WebSocketEvents.Connection connection = accepted.remove(String.valueOf(ctx.header("Sec-WebSocket-Key")));
        if (connection == null) {
            ctx.closeSession(1011, "connection was not accepted by $connect");
            return;
        }
        ctx.attribute("connectionId", connection.connectionId());
        ScheduledFuture<?> maxAge = timer.schedule(() -> ctx.closeSession(1001, "Going away"),
                MAX_CONNECTION.toMillis(), TimeUnit.MILLISECONDS);
        live.put(connection.connectionId(), new LiveConnection(connection, ctx.session, maxAge,
                new CompletableFuture<?>[] {CompletableFuture.completedFuture(null)}, new Instant[] {Instant.now()}));
    }

    private void message(WsMessageContext ctx) {
        dispatch(ctx.attribute("connectionId"), ctx.message(), false);
    }

    private void binaryMessage(WsBinaryMessageContext ctx) {
        ByteBuffer data = ctx.data().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        dispatch(ctx.attribute("connectionId"), Base64.getEncoder().encodeToString(bytes), true);
    }

    private void dispatch(String connectionId, String body, boolean base64) {
        LiveConnection connection = connectionId == null ? null : live.get(connectionId);
        if (connection == null) {
            return;
        }
        connection.lastActive()[0] = Instant.now();
        String text = base64 ? new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8) : body;
        String routeKey = WebSocketEvents.selectRoute(text, api.selectionField(), routeFunctions.keySet());
        if (!routeFunctions.containsKey(routeKey)) {
            // What API Gateway answers when no route matches and there is no $default route.
            connection.session().sendText("{\"message\": \"Forbidden\", \"connectionId\":\"" + connectionId
                    + "\"}", Callback.NOOP);
            return;
        }
        ObjectNode event = WebSocketEvents.message(connection.connection(), routeKey, body, base64);
        inOrder(connection, () -> invoke(routeKey, event));
    }

    private void closed(WsCloseContext ctx) {
        String connectionId = ctx.attribute("connectionId");
        LiveConnection connection = connectionId == null ? null : live.remove(connectionId);
        if (connection == null) {
            return;
        }
        connection.maxAge().cancel(false);
        ObjectNode event = WebSocketEvents.disconnect(connection.connection(), ctx.status(), ctx.reason());
        inOrder(connection, () -> invoke("$disconnect", event));
    }

    /** Invocations of one connection run one after another, on their own thread (the socket's stays free). */
    private void inOrder(LiveConnection connection, Runnable invocation) {
        synchronized (connection.tail()) {
            connection.tail()[0] = connection.tail()[0].handle((ignored, error) -> null)
                    .thenRunAsync(invocation, invoker);
        }
    }

    private Optional<APIGatewayV2WebSocketResponse> invoke(String routeKey, ObjectNode event) {
        lastEventByType.put(event.path("requestContext").path("eventType").asText(), event.deepCopy());
        LocalFunction function = routeFunctions.get(routeKey);
        if (function == null) {
            return Optional.empty();
        }
        try {
            Object result = function.invoke(WebSocketEvents.toEvent(event));
            return result instanceof APIGatewayV2WebSocketResponse response ? Optional.of(response) : Optional.empty();
        } catch (Exception | Error e) {
            LOG.warn("{} failed for route {}: {}", function.logicalId(), routeKey, e.toString(), e);
            APIGatewayV2WebSocketResponse failed = new APIGatewayV2WebSocketResponse();
            failed.setStatusCode(500);
            return Optional.of(failed);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        invoker.shutdown();
        try {
            invoker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
