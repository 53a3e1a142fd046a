package dev.sluice.adapter.in.lambda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a CloudFormation custom resource request by PUTting the result to its pre-signed {@code ResponseURL}.
 * Without that answer CloudFormation waits an hour and then fails the stack, so every outcome, failures
 * included, is sent; the reason it carries is shown in the console and must not hold internals.
 */
final class CustomResourceResponse {
    private static final Logger LOG = LoggerFactory.getLogger(CustomResourceResponse.class);
    /** CloudFormation rejects a response body over 4,096 bytes; a reason is kept well below. */
    private static final int MAX_REASON = 1_000;
    private static final int ATTEMPTS = 3;

    enum Status { SUCCESS, FAILED }

    private final HttpClient http;
    private final ObjectMapper json;

    CustomResourceResponse(HttpClient http, ObjectMapper json) {
        this.http = http;
        this.json = json;
    }

    static CustomResourceResponse create(ObjectMapper json) {
        return new CustomResourceResponse(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), json);
    }

    void send(Map<String, Object> event, Status status, String reason, String physicalResourceId,
            Map<String, String> data) {
        ObjectNode body = json.createObjectNode()
                .put("Status", status.name())
                .put("Reason", reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason)
                .put("PhysicalResourceId", physicalResourceId)
                .put("StackId", text(event, "StackId"))
                .put("RequestId", text(event, "RequestId"))
                .put("LogicalResourceId", text(event, "LogicalResourceId"));
        ObjectNode dataNode = body.putObject("Data");
        data.forEach(dataNode::put);
        // The URL is signed without a Content-Type; sending one would break the signature.
        HttpRequest request = HttpRequest.newBuilder(URI.create(text(event, "ResponseURL")))
                .timeout(Duration.ofSeconds(20))
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    return;
                }
                LOG.warn("custom resource response got HTTP {} (attempt {})", response.statusCode(), attempt);
            } catch (IOException e) {
                LOG.warn("custom resource response failed (attempt {}): {}", attempt, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while answering CloudFormation", e);
            }
            if (attempt == ATTEMPTS) {
                throw new IllegalStateException("could not answer CloudFormation after " + ATTEMPTS + " attempts");
            }
        }
    }

    static String text(Map<String, Object> event, String key) {
        Object value = event.get(key);
        return value == null ? "" : String.valueOf(value);
    }

    /** A reason safe to show: what failed and where to read more, never an exception message. */
    static String failureReason(String what, Exception e, String logStream) {
        return what + " failed (" + e.getClass().getSimpleName() + "); details in CloudWatch log stream "
                + (logStream == null || logStream.isBlank() ? "of this function" : logStream);
    }
}
