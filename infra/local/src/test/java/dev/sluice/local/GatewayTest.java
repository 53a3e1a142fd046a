package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Requests under /api reach ApiFunction as HTTP API payload 2.0 events; its response is written back. */
@ExtendWith(SharedStack.class)
class GatewayTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void apiRequestBecomesAPayloadV2Event(LocalSluice sluice) throws Exception {
        String body = "{\"fileName\":\"a b.csv\",\"contentLength\":12}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(sluice.baseUrl().resolve("api/runs/r%201/errors?limit=5&a=1&a=2&q=x%20y"))
                .header("Content-Type", "application/json")
                .header("X-Custom", "Value")
                .header("Authorization", "Bearer " + TestSignIn.token(sluice.baseUrl()))
                .header("Cookie", "c1=v1; c2=v2")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode());
        assertEquals(body, response.body());
        assertTrue(response.headers().firstValue("x-request-id").isPresent());

        APIGatewayV2HTTPEvent event = SharedStack.LAST_API_EVENT.get();
        assertEquals("2.0", event.getVersion());
        assertEquals("ANY /api/{proxy+}", event.getRouteKey());
        assertEquals("/api/runs/r%201/errors", event.getRawPath());
        assertEquals("limit=5&a=1&a=2&q=x%20y", event.getRawQueryString());
        assertEquals(Map.of("limit", "5", "a", "1,2", "q", "x y"), event.getQueryStringParameters());
        assertEquals(Map.of("proxy", "runs/r 1/errors"), event.getPathParameters());
        assertEquals("application/json", event.getHeaders().get("content-type"));
        assertEquals("Value", event.getHeaders().get("x-custom"));
        assertTrue(event.getHeaders().keySet().stream().allMatch(h -> h.equals(h.toLowerCase())), event.getHeaders().toString());
        assertEquals(java.util.List.of("c1=v1", "c2=v2"), event.getCookies());
        assertEquals(body, event.getBody());
        assertEquals(false, event.getIsBase64Encoded());
        assertEquals("POST", event.getRequestContext().getHttp().getMethod());
        assertEquals("/api/runs/r%201/errors", event.getRequestContext().getHttp().getPath());
        assertEquals("127.0.0.1", event.getRequestContext().getHttp().getSourceIp());
        assertEquals("ANY /api/{proxy+}", event.getRequestContext().getRouteKey());
        assertTrue(!event.getRequestContext().getRequestId().isEmpty());
        // As API Gateway's JWT authorizer hands them over: every claim a string, arrays as "[a b]".
        Map<String, String> claims = event.getRequestContext().getAuthorizer().getJwt().getClaims();
        assertEquals("admin@example.com", claims.get("email"));
        assertEquals("[admin]", claims.get("cognito:groups"));
        assertEquals(sluice.identity().issuer(), claims.get("iss"));
        assertEquals("sluice-local", claims.get("aud"));
        assertTrue(claims.get("sub").matches("[0-9a-f-]{36}"), claims::toString);
        assertTrue(claims.get("exp").matches("\\d{10}"), claims::toString);
    }

    @Test
    void binaryBodiesAreBase64Encoded(LocalSluice sluice) throws Exception {
        byte[] bytes = {0, 1, 2, (byte) 0xff, 10, 13};
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(sluice.baseUrl().resolve("api/blob"))
                .header("Content-Type", "application/octet-stream")
                .header("Authorization", "Bearer " + TestSignIn.token(sluice.baseUrl()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofByteArray());
        APIGatewayV2HTTPEvent event = SharedStack.LAST_API_EVENT.get();
        assertEquals(true, event.getIsBase64Encoded());
        assertEquals(Base64.getEncoder().encodeToString(bytes), event.getBody());
        assertEquals(null, event.getQueryStringParameters());
        assertArrayEquals(bytes, response.body(), "base64 response bodies are decoded");
    }

    @Test
    void healthStaticAndNotFound(LocalSluice sluice) throws Exception {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(sluice.baseUrl().resolve("_local/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertEquals("{\"status\":\"ok\",\"checks\":{\"s3\":\"ok\",\"sqs\":\"ok\",\"dynamodb\":\"ok\","
                + "\"postgresql\":\"ok\"}}", health.body());

        HttpResponse<String> index = http.send(HttpRequest.newBuilder(sluice.baseUrl()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, index.statusCode());
        assertTrue(index.headers().firstValue("content-type").orElse("").startsWith("text/html"));

        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(sluice.baseUrl().resolve("no/such/file.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("\"NOT_FOUND\""));
        assertEquals("application/json", missing.headers().firstValue("content-type").orElse("").split(";")[0]);
    }
}
