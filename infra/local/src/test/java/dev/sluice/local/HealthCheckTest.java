package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.local.emulator.FreePort;
import dev.sluice.local.gateway.HealthChecks;
import dev.sluice.local.gateway.HttpGateway;
import dev.sluice.local.gateway.StaticFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code /_local/health} answers 503 naming what is down: an SQS emulator that is not there (a port nothing
 * listens on) and one that never answers. The all-up answer is checked against the real stack in GatewayTest.
 */
class HealthCheckTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @Test
    void answers503NamingTheChecksThatFailedOrHung() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (SqsClient deadSqs = SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + FreePort.pick()))
                .region(Region.US_EAST_1).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y"))).build()) {
            Map<String, HealthChecks.Check> checks = new LinkedHashMap<>();
            checks.put("up", () -> { });
            checks.put("sqs", () -> deadSqs.listQueues());
            checks.put("hung", never::await);
            HttpGateway gateway = HttpGateway.start(List.of(), new StaticFiles(Optional.empty()), 0, List.of(),
                    new HealthChecks(checks, TIMEOUT));
            try {
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        gateway.baseUrl().resolve("_local/health")).build(), HttpResponse.BodyHandlers.ofString());

                assertEquals(503, response.statusCode(), response.body());
                JsonNode body = new ObjectMapper().readTree(response.body());
                assertEquals("down", body.get("status").asText());
                assertEquals("ok", body.at("/checks/up").asText());
                assertTrue(body.at("/checks/sqs").asText().startsWith("down: "), response.body());
                assertEquals("down: no answer within 500 ms", body.at("/checks/hung").asText());
            } finally {
                gateway.close();
            }
        }
    }
}
