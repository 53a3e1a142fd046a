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
import dev.sluice.local.function.LocalFunction;
import dev.sluice.local.gateway.HttpApiRoute;
import dev.sluice.local.gateway.HttpGateway;
import dev.sluice.local.gateway.StaticFiles;
import dev.sluice.local.template.Specs;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A function that fails, or a request the gateway itself refuses, is answered like API Gateway does: a generic
 * JSON message and a request id, never the exception's text (which here holds a path of the machine).
 */
class GatewayFailureTest {
    private static final String SECRET = "/srv/sluice-data/s3/bucket/uploads/x.csv: File name too long";
    private static HttpGateway gateway;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        LocalFunction failing = new LocalFunction(new Specs.Function("ApiFunction", Failing.class.getName(),
                "handleRequest", 30, 512, Map.of(), List.of(), List.of()), Map.of(), new Failing());
        gateway = HttpGateway.start(List.of(new HttpGateway.Binding(HttpApiRoute.of("ANY", "/api/{proxy+}"),
                failing)), new StaticFiles(Optional.empty()), 0);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aFailingFunctionGetsAGenericAnswerWithARequestId() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.baseUrl().resolve("api/runs"))
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
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.baseUrl().resolve("api/uploads"))
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
