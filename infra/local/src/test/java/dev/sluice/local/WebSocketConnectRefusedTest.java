package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.adapter.in.lambda.SocketFunction;
import dev.sluice.application.identity.Caller;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The caller is decided once, at $connect: the template's authorizer checks the JWT given as {@code ?token=} first,
 * then SocketFunction may still refuse; either refusal makes the gateway answer the upgrade with 401.
 */
class WebSocketConnectRefusedTest {

    @Test
    void aConnectThatSaysNoRefusesTheUpgradeWithItsStatus() throws Exception {
        Path dir = Files.createTempDirectory("sluice-ws-refused");
        try (LocalSluice sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dir)
                .eventSourcesEnabled(false)
                .handler("SocketFunction", components -> new SocketFunction(components.socketSessions(),
                        attempt -> "admin@example.com".equals(attempt.authorizer().get("email"))
                                ? Optional.of(new Caller("alice", false)) : Optional.empty()))
                .build())) {
            HttpClient http = HttpClient.newHttpClient();
            ExecutionException refused = assertThrows(ExecutionException.class, () -> http.newWebSocketBuilder()
                    .buildAsync(URI.create(sluice.webSocketUrl() + "?token=bad"), new WebSocket.Listener() { })
                    .get(20, TimeUnit.SECONDS));
            assertTrue(refused.getCause() instanceof WebSocketHandshakeException, refused::toString);
            assertEquals(401, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
            assertEquals(0, sluice.webSocketGateway().openConnections().size());

            // The authorizer allows the demo user; SocketFunction's resolver says no.
            String demo = TestSignIn.token(sluice.baseUrl(), TestSignIn.DEMO, TestSignIn.DEMO_PASSWORD);
            ExecutionException notWanted = assertThrows(ExecutionException.class, () -> http.newWebSocketBuilder()
                    .buildAsync(TestSignIn.webSocket(sluice, demo), new WebSocket.Listener() { })
                    .get(20, TimeUnit.SECONDS));
            assertEquals(401, ((WebSocketHandshakeException) notWanted.getCause()).getResponse().statusCode());
            assertEquals(0, sluice.webSocketGateway().openConnections().size());

            WebSocket accepted = http.newWebSocketBuilder()
                    .buildAsync(TestSignIn.webSocket(sluice), new WebSocket.Listener() { })
                    .get(20, TimeUnit.SECONDS);
            // The handshake answer may reach the client just before the gateway's open callback registers it.
            Poll.until(Duration.ofSeconds(10), "the accepted socket to be registered",
                    () -> sluice.webSocketGateway().openConnections().size() == 1);
            accepted.abort();
        } finally {
            TestDirs.delete(dir);
        }
    }
}
