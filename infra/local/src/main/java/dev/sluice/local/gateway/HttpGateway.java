package dev.sluice.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.sluice.local.function.LocalFunction;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local API Gateway and web host: template HttpApi routes go to their function as payload 2.0 events,
 * {@code /_local/health} answers for scripts, everything else is the static web app.
 */
public final class HttpGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpGateway.class);
    /** API Gateway's payload limit. */
    private static final long MAX_REQUEST_BYTES = 10L * 1024 * 1024;
    private static final List<HandlerType> METHODS = List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE, HandlerType.HEAD, HandlerType.OPTIONS);

    /** A template route and the function behind it. */
    public record Binding(HttpApiRoute route, LocalFunction function) {
    }

    private final Javalin app;
    private final List<Binding> bindings;
    private final StaticFiles staticFiles;

    private HttpGateway(List<Binding> bindings, StaticFiles staticFiles, int port,
            List<Consumer<JavalinConfig>> extensions) {
        this.bindings = List.copyOf(bindings);
        this.staticFiles = staticFiles;
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
        });
    }

    public static HttpGateway start(List<Binding> bindings, StaticFiles staticFiles, int port) {
        return start(bindings, staticFiles, port, List.of());
    }

    /** With more routes (the WebSocket API) added to the same server, ahead of the API and static files. */
    public static HttpGateway start(List<Binding> bindings, StaticFiles staticFiles, int port,
            List<Consumer<JavalinConfig>> extensions) {
        HttpGateway gateway = new HttpGateway(bindings, staticFiles, port, extensions);
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
        for (Binding binding : bindings) {
            Optional<Map<String, String>> parameters = binding.route().match(method, rawPath);
            if (parameters.isPresent()) {
                if (method.equals("OPTIONS") && ctx.header("Access-Control-Request-Method") != null) {
                    preflight(ctx);
                } else {
                    invoke(ctx, binding, parameters.get());
                }
                return;
            }
        }
        if (rawPath.equals("/_local/health")) {
            ctx.contentType("application/json").result("{\"status\":\"ok\"}");
            return;
        }
        if (method.equals("GET") || method.equals("HEAD")) {
            Optional<StaticFiles.StaticFile> file = staticFiles.find(rawPath);
            if (file.isPresent()) {
                ctx.contentType(file.get().contentType()).header("Cache-Control", "no-cache").result(file.get().content());
                return;
            }
        }
        ctx.status(404).contentType("application/json")
                .result("{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no route for " + method + " "
                        + rawPath.replace("\"", "%22").replace("\\", "%5C") + "\"}}");
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
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            headers.put(name, Collections.list(ctx.req().getHeaders(name)));
        }
        String host = ctx.req().getHeader("Host");
        APIGatewayV2HTTPEvent event = ApiGatewayEvents.toEvent(new ApiGatewayEvents.HttpRequest(
                ctx.req().getMethod(), ctx.req().getRequestURI(), ctx.req().getQueryString(), headers, ctx.bodyAsBytes(),
                ctx.req().getRemoteAddr(), host == null ? null : host.replaceFirst(":\\d+$", "")), binding.route(), pathParameters);
        Object result;
        try {
            result = binding.function().invoke(event);
        } catch (Exception | Error e) {
            // API Gateway hides function errors behind a generic 500.
            LOG.warn("{} failed for {} {}: {}", binding.function().logicalId(), event.getRequestContext().getHttp().getMethod(),
                    event.getRawPath(), e.toString(), e);
            ctx.status(500).contentType("application/json").result("{\"message\":\"Internal Server Error\"}");
            return;
        }
        if (!(result instanceof APIGatewayV2HTTPResponse response)) {
            LOG.warn("{} returned {} instead of APIGatewayV2HTTPResponse", binding.function().logicalId(), result);
            ctx.status(500).contentType("application/json").result("{\"message\":\"Internal Server Error\"}");
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
            response.getMultiValueHeaders().forEach((name, values) -> values.forEach(v -> ctx.res().addHeader(name, v)));
        }
        if (response.getCookies() != null) {
            response.getCookies().forEach(cookie -> ctx.res().addHeader("Set-Cookie", cookie));
        }
        if (response.getHeaders() == null || response.getHeaders().keySet().stream().noneMatch(h -> h.equalsIgnoreCase("content-type"))) {
            ctx.contentType("application/json");
        }
        ctx.result(ApiGatewayEvents.responseBody(response));
    }

    public List<Binding> bindings() {
        return new ArrayList<>(bindings);
    }

    @Override
    public void close() {
        app.stop();
    }
}
