package dev.sluice.adapter.out.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class SecretsManagerPasswordTest {
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-abc";

    private final ObjectMapper json = new ObjectMapper();
    private final List<Headers> requestHeaders = new CopyOnWriteArrayList<>();
    private final List<String> requestBodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger version = new AtomicInteger(1);
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requestHeaders.add(exchange.getRequestHeaders());
            requestBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String secret = json.createObjectNode().put("username", "sluice").put("password", "pw-" + version.get())
                    .toString();
            byte[] body = (status.get() == 200 ? json.createObjectNode().put("SecretString", secret).toString()
                    : "{\"__type\":\"AccessDeniedException\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private SecretsManagerPassword password() {
        return new SecretsManagerPassword(ARN, "eu-west-1",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")), json);
    }

    @Test
    void readsThePasswordKeyWithASignedGetSecretValueOnceUntilRefreshed() throws Exception {
        SecretsManagerPassword password = password();

        assertEquals("pw-1", password.password());
        version.set(2);
        assertEquals("pw-1", password.password(), "cached until PostgreSQL rejects it");
        password.refresh();
        assertEquals("pw-2", password.password(), "the rotated value after a refresh");

        assertEquals(2, requestHeaders.size());
        Headers headers = requestHeaders.getFirst();
        assertEquals("secretsmanager.GetSecretValue", headers.getFirst("X-Amz-Target"));
        assertEquals("application/x-amz-json-1.1", headers.getFirst("Content-Type"));
        String authorization = headers.getFirst("Authorization");
        assertTrue(authorization.startsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/"), authorization);
        assertTrue(authorization.contains("/eu-west-1/secretsmanager/aws4_request"), authorization);
        assertEquals(ARN, json.readTree(requestBodies.getFirst()).get("SecretId").asText());
    }

    @Test
    void aRefusalNamesTheSecretAndTheStatus() {
        status.set(400);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> password().password());
        assertTrue(e.getMessage().contains(ARN) && e.getMessage().contains("HTTP 400"), e.getMessage());
        assertFalse(e.getMessage().contains("pw-"), e.getMessage());
    }
}
