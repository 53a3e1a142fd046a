package dev.sluice.local;

import dev.sluice.local.auth.SignInClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every test that calls the local API or WebSocket signs in through here, over HTTP like the web app
 * ({@code POST /api/auth/login}). Tokens are kept per gateway and user: they last an hour, and signing in again for
 * every request would be slow (PBKDF2) for nothing.
 */
public final class TestSignIn {
    public static final String ADMIN = "admin@example.com";
    public static final String ADMIN_PASSWORD = "adminpassword";
    public static final String DEMO = "demo@example.com";
    public static final String DEMO_PASSWORD = "demo123";
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    private TestSignIn() {
    }

    /** The default admin's token for the gateway at {@code baseUrl}. */
    public static String token(URI baseUrl) {
        return token(baseUrl, ADMIN, ADMIN_PASSWORD);
    }

    public static String token(URI baseUrl, String email, String password) {
        URI base = baseUrl.resolve("/");
        return TOKENS.computeIfAbsent(base + " " + email, key -> {
            try {
                return SignInClient.signIn(base, email, password);
            } catch (SignInClient.SignInException e) {
                throw new IllegalStateException(e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted signing in", e);
            }
        });
    }

    /** Adds the admin's bearer token. */
    public static HttpRequest.Builder authorized(HttpRequest.Builder request, URI baseUrl) {
        return request.header("Authorization", "Bearer " + token(baseUrl));
    }

    /** The WebSocket URL with the admin's token, as the web app connects. */
    public static URI webSocket(LocalSluice sluice) {
        return webSocket(sluice, token(sluice.baseUrl()));
    }

    public static URI webSocket(LocalSluice sluice, String token) {
        return URI.create(sluice.webSocketUrl() + "?token=" + token);
    }
}
