package dev.sluice.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.sluice.local.function.LocalFunction;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local API Gateway and web host: template HttpApi routes go to their function as payload 2.0 events,
 * {@code /_local/health} checks the emulators for scripts, everything else is the static web app.
 */
public final class HttpGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpGateway.class);
    /** API Gateway's payload limit. */
    private static final long MAX_REQUEST_BYTES = 10L * 1024 * 1024;
    /** The header in which API Gateway HTTP APIs return their request id. */
    private static final String REQUEST_ID_HEADER = "apigw-requestid";
    private static final List<HandlerType> METHODS = List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE, HandlerType.HEAD, HandlerType.OPTIONS);

    /**
     * A template route and the function behind it; {@code tokenRequired} when the route is behind the API's JWT
     * authorizer.
     */
    public record Binding(HttpApiRoute route, LocalFunction function, boolean tokenRequired) {
        public Binding(HttpApiRoute route, LocalFunction function) {
            this(route, function, false);
        }
    }

    /**
     * Checks a bearer token as API Gateway's JWT authorizer does and returns its claims (as the token has them), or
     * empty when the token proves nothing.
     */
    @FunctionalInterface
    public interface TokenCheck {
        Optional<Map<String, Object>> claims(String token);

        /** No authorizer: every route that requires a token is refused. */
        TokenCheck NONE = token -> Optional.empty();
    }

    private final Javalin app;
    private final List<Binding> bindings;
    private final StaticFiles staticFiles;
    private final HealthChecks health;
    private final TokenCheck tokens;
    private final String webAuthConfig;

    private HttpGateway(List<Binding> bindings, StaticFiles staticFiles, int port,
            List<Consumer<JavalinConfig>> extensions, HealthChecks health, TokenCheck tokens, String webAuthConfig) {
        this.bindings = List.copyOf(bindings);
        this.tokens = tokens;
        this.webAuthConfig = webAuthConfig;
        this.staticFiles = staticFiles;
        this.health = health;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = port;
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            // Before the catch-all routes below: Javalin serves a request with the first route that matches.
            extensions.forEach(extension -> extension.accept(config));
            for (HandlerType method : METHODS) {
                config.routes.addHttpHandler(method, "/", this::handle);
                config.routes.addHttpHandler(method, "/*", this::handle);
            }
            // Javalin answers its own HttpResponseException (a body over maxRequestSize) unless told otherwise.
            config.routes.exception(io.javalin.http.HttpResponseException.class, HttpGateway::failed);
            config.routes.exception(Exception.class, HttpGateway::failed);
        });
    }

    public static HttpGateway start(List<Binding> bindings, StaticFiles staticFiles, int port) {
        return start(bindings, staticFiles, port, List.of(), HealthChecks.none());
    }

    /**
     * With more routes (the WebSocket API) added to the same server, ahead of the API and static files, and the
     * checks {@code /_local/health} runs.
     */
    public static HttpGateway start(List<Binding> bindings, StaticFiles staticFiles, int port,
            List<Consumer<JavalinConfig>> extensions, HealthChecks health) {
        return start(bindings, staticFiles, port, extensions, health, TokenCheck.NONE, null);
    }

    /**
     * With the JWT authorizer's check for routes that require a token, and the {@code auth} object the web app's
     * {@code config.json} carries (JSON; null for none).
     */
    public static HttpGateway start(List<Binding> bindings, StaticFiles staticFiles, int port,
            List<Consumer<JavalinConfig>> extensions, HealthChecks health, TokenCheck tokens, String webAuthConfig) {
        HttpGateway gateway = new HttpGateway(bindings, staticFiles, port, extensions, health, tokens, webAuthConfig);
        gateway.app.start();
        return gateway;
    }

    public int port() {
        return app.port();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port() + "/");
    }

    private void handle(Context ctx) throws Exception {
        String method = ctx.req().getMethod();
        String rawPath = ctx.req().getRequestURI();
        // As API Gateway: of the routes that match, the most specific one (GET /api/health before ANY /api/{proxy+}).
        Binding best = null;
        Map<String, String> bestParameters = null;
        for (Binding binding : bindings) {
            Optional<Map<String, String>> parameters = binding.route().match(method, rawPath);
            if (parameters.isPresent()
                    && (best == null || HttpApiRoute.SPECIFICITY.compare(binding.route(), best.route()) > 0)) {
                best = binding;
                bestParameters = parameters.get();
            }
        }
        if (best != null) {
            if (method.equals("OPTIONS") && ctx.header("Access-Control-Request-Method") != null) {
                preflight(ctx);
            } else {
                invoke(ctx, best, bestParameters);
            }
            return;
        }
        if (rawPath.equals("/_local/health")) {
            HealthChecks.Report report = health.run();
            ctx.status(report.status()).contentType("application/json").header("Cache-Control", "no-cache")
                    .result(report.body());
            return;
        }
        if ((method.equals("GET") || method.equals("HEAD")) && rawPath.equals("/config.json")) {
            ctx.contentType("application/json").header("Cache-Control", "no-cache")
                    .result(webConfig(ctx.header("Host")));
            return;
        }
        if (method.equals("GET") || method.equals("HEAD")) {
            Optional<StaticFiles.StaticFile> file = staticFiles.find(rawPath);
            if (file.isPresent()) {
                ctx.contentType(file.get().contentType()).header("Cache-Control", "no-cache")
                        .result(file.get().content());
                return;
            }
        }
        ctx.status(404).contentType("application/json")
                .result("{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no route for " + method + " "
                        + rawPath.replace("\"", "%22").replace("\\", "%5C") + "\"}}");
    }

    /**
     * The web app reads its endpoints from {@code config.json}; on AWS the deployment writes it next to the app in the
     * site bucket, here the gateway answers it: the API and the WebSocket on this host and port, as the browser
     * addressed them.
     */
    String webConfig(String hostHeader) {
        String host = hostHeader != null
                && hostHeader.matches("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:]+\\](:\\d{1,5})?")
                ? hostHeader : "127.0.0.1:" + port();
        return "{\"apiBase\":\"/api\",\"wsUrl\":\"ws://" + host + "/ws\""
                + (webAuthConfig == null ? "" : ",\"auth\":" + webAuthConfig) + "}";
    }

    /** HTTP API answers CORS preflights itself (template CorsConfiguration) without invoking the function. */
    private static void preflight(Context ctx) {
        ctx.status(204)
                .header("Access-Control-Allow-Origin", "*")
                .header("Access-Control-Allow-Methods", "GET,POST,PUT,PATCH,DELETE,OPTIONS")
                .header("Access-Control-Allow-Headers", "content-type,authorization")
                .header("Access-Control-Max-Age", "300");
    }

    private void invoke(Context ctx, Binding binding, Map<String, String> pathParameters) {
        Optional<Map<String, Object>> claims = Optional.empty();
        if (binding.tokenRequired()) {
            // As API Gateway's JWT authorizer: checked before the function runs, which never sees a refused call.
            claims = bearerToken(ctx.header("Authorization")).flatMap(tokens::claims);
            if (claims.isEmpty()) {
                ctx.status(401).header("WWW-Authenticate", "Bearer").contentType("application/json")
                        .result("{\"error\":{\"code\":\"UNAUTHENTICATED\",\"message\":\"Sign in first: this request "
                                + "has no valid bearer token (missing, expired, or not signed by the sign-in)\"}}");
                return;
            }
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            headers.put(name, Collections.list(ctx.req().getHeaders(name)));
        }
        String host = ctx.req().getHeader("Host");
        APIGatewayV2HTTPEvent event = ApiGatewayEvents.toEvent(new ApiGatewayEvents.HttpRequest(
                ctx.req().getMethod(), ctx.req().getRequestURI(), ctx.req().getQueryString(), headers,
                ctx.bodyAsBytes(), ctx.req().getRemoteAddr(), host == null ? null : host.replaceFirst(":\\d+$", "")),
                binding.route(), pathParameters);
        claims.ifPresent(verified -> ApiGatewayEvents.authorize(event, verified));
        Object result;
        try {
            result = binding.function().invoke(event);
        } catch (Exception | Error e) {
            // API Gateway hides function errors behind a generic 500.
            String requestId = event.getRequestContext().getRequestId();
            LOG.warn("{} failed for {} {} (request id {}): {}", binding.function().logicalId(),
                    event.getRequestContext().getHttp().getMethod(), event.getRawPath(), requestId, e.toString(), e);
            internalError(ctx, requestId);
            return;
        }
        if (!(result instanceof APIGatewayV2HTTPResponse response)) {
            String requestId = event.getRequestContext().getRequestId();
            LOG.warn("{} returned {} instead of APIGatewayV2HTTPResponse (request id {})",
                    binding.function().logicalId(), result, requestId);
            internalError(ctx, requestId);
            return;
        }
        ctx.status(response.getStatusCode() == 0 ? 200 : response.getStatusCode());
        if (ctx.header("Origin") != null) {
            ctx.header("Access-Control-Allow-Origin", "*");
        }
        if (response.getHeaders() != null) {
            response.getHeaders().forEach(ctx::header);
        }
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach(
                    (name, values) -> values.forEach(v -> ctx.res().addHeader(name, v)));
        }
        if (response.getCookies() != null) {
            response.getCookies().forEach(cookie -> ctx.res().addHeader("Set-Cookie", cookie));
        }
        if (response.getHeaders() == null
                || response.getHeaders().keySet().stream().noneMatch(h -> h.equalsIgnoreCase("content-type"))) {
            ctx.contentType("application/json");
        }
        ctx.result(ApiGatewayEvents.responseBody(response));
    }

    /** The token of {@code Authorization: Bearer <token>}; API Gateway also takes the bare token. */
    static Optional<String> bearerToken(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            value = value.substring(7).trim();
        }
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /**
     * Any other failure of the gateway itself: the status Javalin chose for a request it refused (a body over the
     * limit), or a generic 500; never the exception's text, which may hold a path of this machine.
     */
    private static void failed(Exception e, Context ctx) {
        String requestId = UUID.randomUUID().toString();
        if (e instanceof io.javalin.http.HttpResponseException refused) {
            LOG.info("{} {} refused with {} (request id {}): {}", ctx.method(), ctx.path(), refused.getStatus(),
                    requestId, e.toString());
            HttpStatus status = HttpStatus.forStatus(refused.getStatus());
            ctx.status(refused.getStatus()).header(REQUEST_ID_HEADER, requestId).contentType("application/json")
                    .result("{\"message\":\"" + status.getMessage() + "\",\"requestId\":\"" + requestId + "\"}");
            return;
        }
        LOG.error("{} {} failed in the gateway (request id {})", ctx.method(), ctx.path(), requestId, e);
        internalError(ctx, requestId);
    }

    /** API Gateway's answer to a failed integration, with the request id it also puts in its header. */
    private static void internalError(Context ctx, String requestId) {
        ctx.status(500).header(REQUEST_ID_HEADER, requestId).contentType("application/json")
                .result("{\"message\":\"Internal Server Error\",\"requestId\":\"" + requestId + "\"}");
    }

    public List<Binding> bindings() {
        return new ArrayList<>(bindings);
    }

    @Override
    public void close() {
        app.stop();
    }
}
