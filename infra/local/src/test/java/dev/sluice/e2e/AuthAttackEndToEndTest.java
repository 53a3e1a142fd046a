package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.sluice.adapter.in.lambda.ApiFunction;
import dev.sluice.adapter.in.lambda.SocketFunction;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import dev.sluice.local.TestSignIn;
import dev.sluice.local.auth.UserSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What an attacker would try against the running local stack, over real HTTP and WebSocket: calls without a valid
 * token never reach a function, one user cannot see another's runs by any route, and guessing passwords hits the
 * rate limit. Users: alice and bob (plain users), root (admin), carol (whose password is guessed).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthAttackEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AtomicInteger API_CALLS = new AtomicInteger();
    private static final AtomicInteger SOCKET_CALLS = new AtomicInteger();
    private static Path captured;
    private static Path dataDir;
    private static LocalSluice sluice;
    private static ApiClient alice;
    private static ApiClient bob;
    private static ApiClient root;

    @BeforeAll
    static void start() throws Exception {
        captureLogs();
        dataDir = Files.createTempDirectory("sluice-auth");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir)
                .user(UserSpec.parse("alice@example.com:alice-secret-1"))
                .user(UserSpec.parse("bob@example.com:bob-secret-2"))
                .user(UserSpec.parse("root@example.com:root-secret-3:admin"))
                .user(UserSpec.parse("carol@example.com:carol-secret-4"))
                // The real functions, counted: a refused call must not reach them.
                .handler("ApiFunction", components -> new CountedApi(new ApiFunction(components)))
                .handler("SocketFunction", components -> new CountedSocket(new SocketFunction(components.settings())))
                .build());
        alice = new ApiClient(sluice.baseUrl(), "alice@example.com", "alice-secret-1");
        bob = new ApiClient(sluice.baseUrl(), "bob@example.com", "bob-secret-2");
        root = new ApiClient(sluice.baseUrl(), "root@example.com", "root-secret-3");
    }

    @AfterAll
    static void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
        Configurator.reconfigure(AuthAttackEndToEndTest.class.getClassLoader().getResource("log4j2-test.xml").toURI());
        System.clearProperty("sluice.captureLog");
        if (captured != null) {
            Files.deleteIfExists(captured);
        }
        TestDirs.delete(dataDir);
    }

    @Test
    @Order(1)
    void everyCallWithoutAValidTokenIsRefusedBeforeAnyFunctionRuns() throws Exception {
        Map<String, String> tokens = badTokens();
        int before = API_CALLS.get();
        for (Map.Entry<String, String> bad : tokens.entrySet()) {
            for (HttpRequest.Builder request : List.of(
                    HttpRequest.newBuilder(sluice.baseUrl().resolve("/api/runs")).GET(),
                    HttpRequest.newBuilder(sluice.baseUrl().resolve("/api/uploads"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"fileName\":\"x.csv\",\"contentLength\":5}")))) {
                if (!bad.getValue().isEmpty()) {
                    request.header("Authorization", "Bearer " + bad.getValue());
                }
                HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(401, response.statusCode(), () -> bad.getKey() + ": " + response.body());
                assertEquals("UNAUTHENTICATED", JSON.readTree(response.body()).at("/error/code").asText(),
                        bad.getKey());
            }
        }
        assertEquals(before, API_CALLS.get(), "no refused call reached ApiFunction");
        assertEquals(0, runCount(), "nothing was stored for a refused upload");
        // The same request with a good token does reach it.
        assertEquals(200, alice.get("runs").status());
        assertEquals(before + 1, API_CALLS.get());
    }

    @Test
    @Order(2)
    void aWebSocketWithoutAValidTokenIsRefused() throws Exception {
        int before = SOCKET_CALLS.get();
        for (Map.Entry<String, String> bad : badTokens().entrySet()) {
            URI uri = bad.getValue().isEmpty() ? sluice.webSocketUrl() : TestSignIn.webSocket(sluice, bad.getValue());
            ExecutionException refused = assertThrows(ExecutionException.class, () -> HTTP.newWebSocketBuilder()
                    .buildAsync(uri, new WebSocket.Listener() { }).get(20, TimeUnit.SECONDS), bad.getKey());
            assertTrue(refused.getCause() instanceof WebSocketHandshakeException, () -> bad.getKey() + ": " + refused);
            assertEquals(401, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode(),
                    bad.getKey());
        }
        assertEquals(before, SOCKET_CALLS.get(), "no refused connect reached SocketFunction");
        assertEquals(0, sluice.webSocketGateway().openConnections().size());
    }

    @Test
    @Order(3)
    void oneUserCannotSeeAnothersRunByAnyRoute() throws Exception {
        String bobsRun = bob.upload("bob-secret.csv", csv(), null);
        JsonNode finished = bob.awaitFinal(bobsRun);
        assertTrue(finished.path("errors").asLong() > 0, () -> "bob's run has row errors to page: " + finished);
        String alicesRun = alice.upload("alice.csv", csv(), null);
        alice.awaitFinal(alicesRun);

        String unknown = "00000000-0000-4000-8000-000000000000";
        for (String path : List.of("runs/%s", "runs/%s/errors", "runs/%s/records", "runs/%s/errors?limit=1",
                "runs/%s/records?limit=1&cursor=x", "runs/%s/export")) {
            ApiClient.Response theirs = alice.get(path.formatted(bobsRun));
            ApiClient.Response missing = alice.get(path.formatted(unknown));
            assertEquals(404, theirs.status(), () -> path + ": " + theirs.body());
            assertEquals("NOT_FOUND", theirs.body().at("/error/code").asText(), path);
            assertEquals(missing.status(), theirs.status(), path + ": answered like a missing run");
            assertEquals(missing.body().at("/error/code"), theirs.body().at("/error/code"), path);
            assertFalse(theirs.body().toString().contains("bob"), () -> path + " leaks: " + theirs.body());
        }
        String alicesList = alice.get("runs").body().toString();
        assertFalse(alicesList.contains(bobsRun), "bob's run is not in alice's list: " + alicesList);
        assertFalse(alicesList.contains("bob-secret"), alicesList);
        assertTrue(alicesList.contains(alicesRun), alicesList);
        assertEquals(200, root.get("runs/" + bobsRun).status(), "an admin reads anyone's run");
        assertEquals(200, root.get("runs/" + bobsRun + "/errors").status(), "an admin pages anyone's errors");

        // Subscribing to bob's run answers exactly as an unknown run does.
        try (SocketClient socket = SocketClient.connect(TestSignIn.webSocket(sluice, alice.token()))) {
            socket.subscribe(bobsRun);
            JsonNode theirs = socket.await(m -> "error".equals(m.path("type").asText())
                    && m.path("message").asText().contains(bobsRun), Duration.ofSeconds(30), "error for bob's run");
            socket.subscribe(unknown);
            JsonNode missing = socket.await(m -> "error".equals(m.path("type").asText())
                    && m.path("message").asText().contains(unknown), Duration.ofSeconds(30), "error for a missing run");
            assertEquals("NOT_FOUND", theirs.path("code").asText());
            assertEquals(missing.path("message").asText().replace(unknown, "ID"),
                    theirs.path("message").asText().replace(bobsRun, "ID"));
            assertTrue(socket.messages(bobsRun).isEmpty(), () -> "no snapshot of bob's run: " + socket.messages());
        }
    }

    @Test
    @Order(4)
    void guessingAPasswordHitsTheLimitAndNoLogLineHoldsATokenOrPassword() throws Exception {
        for (int attempt = 1; attempt <= 5; attempt++) {
            HttpResponse<String> wrong = login("carol@example.com", "guess-" + attempt);
            assertEquals(401, wrong.statusCode(), wrong::body);
            assertEquals("INVALID_CREDENTIALS", JSON.readTree(wrong.body()).at("/error/code").asText());
        }
        HttpResponse<String> limited = login("carol@example.com", "guess-6");
        assertEquals(429, limited.statusCode(), limited::body);
        assertEquals("RATE_LIMITED", JSON.readTree(limited.body()).at("/error/code").asText());
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 0 && retryAfter <= 300, "Retry-After " + retryAfter);
        // Even the right password waits now: the limit is checked before the password.
        assertEquals(429, login("carol@example.com", "carol-secret-4").statusCode());
        // Other users are not locked out by carol's attacker (fewer than 20 failures from this address so far).
        assertEquals(200, login("bob@example.com", "bob-secret-2").statusCode());

        String log = Files.readString(captured);
        assertTrue(log.contains("carol@example.com"), "the capture works: " + log.length() + " chars");
        for (String secret : List.of("alice-secret-1", "bob-secret-2", "root-secret-3", "carol-secret-4", "guess-3",
                alice.token(), bob.token(), root.token(), alice.token().split("\\.")[2])) {
            assertFalse(log.contains(secret), "a log line holds a secret: " + secret.substring(0, 6) + "...");
        }
    }

    @Test
    @Order(5)
    void sprayingManyNamesFromOneAddressHitsTheAddressLimit() throws Exception {
        int refused = 0;
        HttpResponse<String> response = null;
        // 5 failures so far from carol's test; the address allows 20 in the window.
        for (int i = 0; i < 20 && (response == null || response.statusCode() != 429); i++) {
            response = login("nobody" + i + "@example.com", "password");
            if (response.statusCode() == 401) {
                refused++;
            }
        }
        assertEquals(429, response.statusCode(), "the address limit was reached after " + refused + " misses");
        assertEquals(15, refused, "20 failures from one address, then 429");
        assertTrue(response.headers().firstValue("Retry-After").isPresent());
    }

    /** Tokens API Gateway's authorizer would refuse, by what is wrong with them ("" = no header at all). */
    private static Map<String, String> badTokens() throws Exception {
        String issuer = sluice.identity().issuer();
        Instant now = Instant.now();
        JWTClaimsSet good = claims(issuer, "sluice-local", now.plusSeconds(600));
        String valid = sluice.identity().sign(good);
        String[] parts = valid.split("\\.");
        JWTClaimsSet escalated = new JWTClaimsSet.Builder(good).claim("cognito:groups", List.of("admin")).build();
        RSAKey otherKey = new RSAKeyGenerator(2048).keyID(sluice.identity().jwks().contains("\"kid\"")
                ? JSON.readTree(sluice.identity().jwks()).at("/keys/0/kid").asText() : "x").generate();
        SignedJWT otherSigned = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(otherKey.getKeyID())
                .build(), good);
        otherSigned.sign(new RSASSASigner(otherKey));
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                good);
        hmac.sign(new MACSigner(sluice.identity().jwks().repeat(2).getBytes(StandardCharsets.UTF_8)));
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("no token", "");
        tokens.put("garbage", "not-a-token");
        tokens.put("expired", sluice.identity().sign(claims(issuer, "sluice-local", now.minusSeconds(600))));
        tokens.put("forged signature (claims changed after signing)", parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(
                        escalated.toString().getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
        tokens.put("signed with another key under the same key id", otherSigned.serialize());
        tokens.put("alg none", new PlainJWT(new PlainHeader(), good).serialize());
        tokens.put("HS256 keyed with the public JWKS", hmac.serialize());
        tokens.put("wrong audience", sluice.identity().sign(claims(issuer, "someone-else", now.plusSeconds(600))));
        tokens.put("wrong issuer", sluice.identity().sign(claims("https://cognito-idp.us-east-1.amazonaws.com/x",
                "sluice-local", now.plusSeconds(600))));
        return tokens;
    }

    private static JWTClaimsSet claims(String issuer, String audience, Instant expires) {
        return new JWTClaimsSet.Builder().issuer(issuer).audience(audience).claim("client_id", audience)
                .subject(UUID.randomUUID().toString()).claim("email", "mallory@example.com").claim("token_use", "id")
                .issueTime(Date.from(expires.minusSeconds(3600))).expirationTime(Date.from(expires)).build();
    }

    private static HttpResponse<String> login(String user, String password) throws Exception {
        String body = JSON.createObjectNode().put("username", user).put("password", password).toString();
        return HTTP.send(HttpRequest.newBuilder(sluice.baseUrl().resolve("/api/auth/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long runCount() {
        return sluice.dynamoDbClient().scan(b -> b.tableName(sluice.tableName("RunsTable"))).count();
    }

    private static byte[] csv() {
        return "date,campaign,channel,spend,clicks,conversions,impressions\n2024-03-01,Spring,search,1.5,2,0,10\n"
                .concat("not-a-date,Spring,search,1.5,2,0,10\n2024-03-02,Spring,social,2.5,3,1,20\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Every log line (Sluice's at INFO and up) also goes to a file this test reads. */
    private static void captureLogs() throws Exception {
        captured = Files.createTempFile("sluice-auth-log", ".txt");
        System.setProperty("sluice.captureLog", captured.toString());
        Configurator.reconfigure(AuthAttackEndToEndTest.class.getClassLoader()
                .getResource("log4j2-capture.xml").toURI());
    }

    /** ApiFunction as the template builds it, counting invocations. */
    public static final class CountedApi implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
        private final ApiFunction delegate;

        CountedApi(ApiFunction delegate) {
            this.delegate = delegate;
        }

        @Override
        public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
            API_CALLS.incrementAndGet();
            return delegate.handleRequest(event, context);
        }
    }

    /** SocketFunction as the template builds it, counting invocations. */
    public static final class CountedSocket
            implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {
        private final SocketFunction delegate;

        CountedSocket(SocketFunction delegate) {
            this.delegate = delegate;
        }

        @Override
        public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
            SOCKET_CALLS.incrementAndGet();
            return delegate.handleRequest(event, context);
        }
    }
}
