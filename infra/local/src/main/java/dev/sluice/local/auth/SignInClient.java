package dev.sluice.local.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * How a command-line client of a local {@code serve} gets its bearer token: {@code SLUICE_TOKEN} from the
 * environment as it is, else a sign-in ({@code POST /api/auth/login}) as {@code --user email:password}, else as the
 * default admin.
 */
public final class SignInClient {
    /** The variable holding a token to use as it is (e.g. one copied from the web app). */
    public static final String TOKEN_VARIABLE = "SLUICE_TOKEN";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SignInClient() {
    }

    /** Sign-in failed or was refused; the message says why, never with the password. */
    public static final class SignInException extends Exception {
        public SignInException(String message) {
            super(message);
        }
    }

    public static String token(URI base, Optional<String> user, Optional<String> tokenFromEnvironment)
            throws SignInException, InterruptedException {
        if (tokenFromEnvironment.isPresent() && !tokenFromEnvironment.get().isBlank()) {
            return tokenFromEnvironment.get().trim();
        }
        UserSpec who = user.map(UserSpec::parse).orElse(UserSpec.DEFAULTS.getFirst());
        return signIn(base, who.email(), who.password());
    }

    /** Signs in and returns the token. */
    public static String signIn(URI base, String email, String password) throws SignInException, InterruptedException {
        String body = JSON.createObjectNode().put("username", email).put("password", password).toString();
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/auth/login")).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SignInException("cannot reach " + request.uri() + " to sign in: " + e.getMessage());
        }
        try {
            JsonNode answer = JSON.readTree(response.body());
            if (response.statusCode() == 200 && answer.path("token").isTextual()) {
                return answer.get("token").asText();
            }
            String message = answer.path("error").path("message").asText("HTTP " + response.statusCode());
            throw new SignInException("sign-in as " + email + " refused: " + message);
        } catch (IOException e) {
            throw new SignInException("sign-in as " + email + " answered HTTP " + response.statusCode()
                    + " without JSON");
        }
    }
}
