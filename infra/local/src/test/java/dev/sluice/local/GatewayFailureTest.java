package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A function that fails, or a request the gateway itself refuses, is answered like API Gateway does: a generic
 * JSON message and a request id, never the exception's text (which here holds a path of the machine).
 */
class GatewayFailureTest {
    private static final String SECRET = "/srv/sluice-data/s3/bucket/uploads/x.csv: File name too long";
    private static Path dataDir;
    private static LocalSluice sluice;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-gateway-failure");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir).eventSourcesEnabled(false)
                .handler("ApiFunction", components -> new Failing())
                .build());
    }

    @AfterAll
    static void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aFailingFunctionGetsAGenericAnswerWithARequestId() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(sluice.baseUrl().resolve("api/runs"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(500, response.statusCode());
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertEquals("Internal Server Error", body.get("message").asText());
        String requestId = body.get("requestId").asText();
        assertFalse(requestId.isBlank());
        assertEquals(requestId, response.headers().firstValue("apigw-requestid").orElseThrow());
        assertFalse(response.body().contains("File name too long") || response.body().contains("/srv")
                || response.body().contains("Exception"), response::body);
    }

    @Test
    void aBodyOverTheGatewayLimitIsRefusedWithoutDetails() throws Exception {
        byte[] eleven = new byte[11 * 1024 * 1024];
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(sluice.baseUrl().resolve("api/uploads"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(eleven)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode(), response::body);
        assertTrue(response.body().contains("\"requestId\""), response::body);
        assertFalse(response.body().contains("Exception") || response.body().contains("javalin"), response::body);
    }

    /** Fails the way a broken function does, with a message that must not reach the caller. */
    public static final class Failing implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
        @Override
        public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
            throw new IllegalStateException(new java.io.FileNotFoundException(SECRET));
        }
    }
}
