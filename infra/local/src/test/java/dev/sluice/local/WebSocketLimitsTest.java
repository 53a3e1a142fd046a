package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 11's WebSocket limits over a real socket against the local stack, with the real SocketFunction and the
 * connection repository on the DynamoDB emulator: one caller gets five connections (the template's default), the
 * sixth is refused with 429, an upgrade from another site's Origin with 403, and closing one makes room again.
 * The caller is the one SocketFunction resolves for a plain connect (one user for every socket here).
 */
@ExtendWith(SharedStack.class)
class WebSocketLimitsTest {
    private static final int DEFAULT_LIMIT = 5;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theSixthConnectionOfOneCallerAndAForeignOriginAreRefused(LocalSluice sluice) throws Exception {
        // Sockets other test classes left open on the shared stack would count against the same caller.
        Poll.until(Duration.ofSeconds(20), "earlier sockets on the shared stack to close",
                () -> sluice.webSocketGateway().openConnections().isEmpty());
        String origin = "http://127.0.0.1:" + sluice.baseUrl().getPort();
        List<WebSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < DEFAULT_LIMIT; i++) {
                open.add(connect(sluice, Optional.of(origin)));
            }
            assertEquals(429, refusal(sluice, Optional.of(origin)), "the sixth connection of one caller");
            assertEquals(429, refusal(sluice, Optional.empty()), "a client without Origin counts the same");

            open.remove(0).sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
            // $disconnect frees the slot after the close reaches the gateway; until then a connect is still refused.
            WebSocket again = Poll.until(Duration.ofSeconds(20), "a connection to be accepted after one closed",
                    () -> tryConnect(sluice, Optional.of(origin)), Optional::isPresent).orElseThrow();
            open.add(again);
            assertEquals(403, refusal(sluice, Optional.of("https://evil.example")), "a foreign origin");
        } finally {
            open.forEach(WebSocket::abort);
        }
        Poll.until(Duration.ofSeconds(20), "the sockets to close",
                () -> sluice.webSocketGateway().openConnections().isEmpty());
        assertEquals(403, refusal(sluice, Optional.of("https://evil.example")),
                "a foreign origin is refused when the caller has room too");
    }

    private WebSocket connect(LocalSluice sluice, Optional<String> origin) throws Exception {
        return builder(origin).buildAsync(uri(sluice), new WebSocket.Listener() { }).get(20, TimeUnit.SECONDS);
    }

    private Optional<WebSocket> tryConnect(LocalSluice sluice, Optional<String> origin) {
        try {
            return Optional.of(connect(sluice, origin));
        } catch (Exception refused) {
            return Optional.empty();
        }
    }

    private int refusal(LocalSluice sluice, Optional<String> origin) {
        ExecutionException refused = assertThrows(ExecutionException.class, () -> builder(origin)
                .buildAsync(uri(sluice), new WebSocket.Listener() { }).get(20, TimeUnit.SECONDS));
        assertTrue(refused.getCause() instanceof WebSocketHandshakeException, refused::toString);
        return ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode();
    }

    private WebSocket.Builder builder(Optional<String> origin) {
        WebSocket.Builder builder = http.newWebSocketBuilder();
        origin.ifPresent(value -> builder.header("Origin", value));
        return builder;
    }

    /** The admin's connections: the limit counts per signed-in user. */
    private static URI uri(LocalSluice sluice) {
        return TestSignIn.webSocket(sluice);
    }
}
