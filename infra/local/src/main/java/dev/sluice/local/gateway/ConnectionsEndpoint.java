package dev.sluice.local.gateway;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;

/**
 * API Gateway's management API for one stage: {@code POST /{stage}/@connections/{id}} sends the body to the
 * socket, {@code GET} describes the connection, {@code DELETE} closes it; an id whose socket is closed answers
 * 410 with the GoneException error type the SDK turns into {@code GoneException}.
 */
final class ConnectionsEndpoint {
    private static final long SEND_TIMEOUT_SECONDS = 10;

    private final WebSocketGateway gateway;

    ConnectionsEndpoint(WebSocketGateway gateway) {
        this.gateway = gateway;
    }

    void handle(Context ctx) {
        String connectionId = ctx.pathParam("connectionId");
        Optional<WebSocketGateway.LiveConnection> found = gateway.connection(connectionId);
        if (found.isEmpty() || !found.get().session().isOpen()) {
            gone(ctx);
            return;
        }
        WebSocketGateway.LiveConnection connection = found.get();
        switch (ctx.method().name()) {
            case "POST" -> post(ctx, connection);
            case "GET" -> ctx.status(200).contentType("application/json").result("{\"connectedAt\":\""
                    + iso(connection.connection().connectedAt()) + "\",\"identity\":{\"sourceIp\":\""
                    + connection.connection().sourceIp() + "\",\"userAgent\":\""
                    + connection.connection().userAgent().replace("\"", "'") + "\"},\"lastActiveAt\":\""
                    + iso(connection.lastActive()[0]) + "\"}");
            case "DELETE" -> {
                connection.session().close(1000, "", Callback.NOOP);
                ctx.status(204);
            }
            default -> ctx.status(405);
        }
    }

    private static void post(Context ctx, WebSocketGateway.LiveConnection connection) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length > WebSocketGateway.MAX_MESSAGE_BYTES) {
            error(ctx, 413, "PayloadTooLargeException", "Message too long; the limit is 128 KB");
            return;
        }
        Callback.Completable sent = new Callback.Completable();
        connection.session().sendText(new String(body, StandardCharsets.UTF_8), sent);
        try {
            sent.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            ctx.status(200);
        } catch (ExecutionException e) {
            gone(ctx);
        } catch (TimeoutException e) {
            error(ctx, 500, "InternalServerErrorException", "the socket did not take the message in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error(ctx, 500, "InternalServerErrorException", "interrupted");
        }
    }

    private static void gone(Context ctx) {
        error(ctx, 410, "GoneException", null);
    }

    private static void error(Context ctx, int status, String type, String message) {
        ctx.status(status).header("x-amzn-ErrorType", type).contentType("application/json")
                .result("{\"message\":" + (message == null ? "null" : "\"" + message + "\"") + "}");
    }

    private static String iso(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant);
    }
}
