package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.config.Components;
import dev.sluice.config.Settings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The $connect authorizer against a real JWKS endpoint over HTTP, with real RSA signatures. */
class SocketAuthorizerFunctionTest {
    private static final String CLIENT = "client-123";
    private static final String ARN = "arn:aws:execute-api:eu-west-1:1:api/live/$connect";

    @Test
    void allowsAValidTokenWithItsCallerAsContextAndDeniesEverythingElse() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        RSAKey otherKey = new RSAKeyGenerator(2048).keyID("k1").generate();
        AtomicInteger fetches = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/pool/.well-known/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/pool";
            SocketAuthorizerFunction authorizer = new SocketAuthorizerFunction(Components.tokenVerifier(
                    Settings.fromEnvironment(Map.of("RUNS_TABLE", "t", "DATASETS_TABLE", "d", "UPLOAD_BUCKET", "b",
                            "CHUNK_QUEUE_URL", "q",
                            "TOKEN_ISSUER", issuer, "TOKEN_AUDIENCE", CLIENT))));
            String token = sign(claims(issuer), key);
            Map<String, Object> allowed = authorizer.handleRequest(connect(token), new TestContext());
            assertEquals("Allow", effect(allowed));
            assertEquals(Map.of("sub", "sub-1", "email", "a@example.com", "groups", "ops,admin"),
                    allowed.get("context"));
            assertEquals("sub-1", allowed.get("principalId"));
            authorizer.handleRequest(connect(token), new TestContext());
            assertEquals(1, fetches.get(), "the issuer's JWKS is fetched once and cached");

            Map<String, Object> noToken = authorizer.handleRequest(Map.of("methodArn", ARN), new TestContext());
            assertEquals("Deny", effect(noToken));
            assertFalse(noToken.containsKey("context"));
            assertEquals("Deny", effect(authorizer.handleRequest(connect(sign(claims(issuer), otherKey)),
                    new TestContext())));
            assertEquals("Deny", effect(authorizer.handleRequest(connect(sign(claims(issuer + "x"), key)),
                    new TestContext())));
        } finally {
            server.stop(0);
        }
    }

    private static Map<String, Object> connect(String token) {
        return Map.of("type", "REQUEST", "methodArn", ARN, "queryStringParameters", Map.of("token", token));
    }

    private static JWTClaimsSet claims(String issuer) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer).audience(CLIENT).subject("sub-1")
                .claim("email", "a@example.com").claim("cognito:groups", List.of("ops", "admin"))
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600))).build();
    }

    private static String sign(JWTClaimsSet claims, RSAKey with) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    @SuppressWarnings("unchecked")
    private static String effect(Map<String, Object> response) {
        Map<String, Object> document = (Map<String, Object>) response.get("policyDocument");
        return String.valueOf(((List<Map<String, Object>>) document.get("Statement")).getFirst().get("Effect"));
    }
}
