package dev.sluice.adapter.out.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.wire.SignedAwsCall;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.source.RunNow;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Run-now through PullFunction: a synchronous Lambda Invoke ({@code RequestResponse}) with
 * {@code {"sourceId", "trigger": "manual"}}. PullFunction answers the pull's id and run id, or the 404/409 it
 * refused with, which is raised again here as the same API error. A pull longer than the HTTP API's 30 s limit goes
 * on in PullFunction; its outcome shows in the pull history.
 */
public final class LambdaRunNow implements RunNow {
    private final SignedAwsCall aws;
    private final URI invoke;
    private final ObjectMapper json;

    public LambdaRunNow(SignedAwsCall aws, String region, String functionArn, ObjectMapper json) {
        this.aws = aws;
        this.invoke = URI.create("https://lambda." + region + ".amazonaws.com/2015-03-31/functions/"
                + URLEncoder.encode(functionArn, StandardCharsets.UTF_8) + "/invocations");
        this.json = json;
    }

    @Override
    public Answer pull(String sourceId) {
        String body = json.createObjectNode().put("sourceId", sourceId).put("trigger", "manual").toString();
        SignedAwsCall.Answer answer = aws.send("POST", invoke, Map.of("Content-Type", "application/json",
                "X-Amz-Invocation-Type", "RequestResponse"), body);
        if (answer.status() != 200) {
            throw new IllegalStateException("invoking PullFunction failed: HTTP " + answer.status());
        }
        JsonNode result;
        try {
            result = json.readTree(answer.body());
        } catch (IOException e) {
            throw new IllegalStateException("PullFunction answered something that is not JSON", e);
        }
        if (result.has("errorMessage")) {
            throw new IllegalStateException("PullFunction failed: " + result.path("errorType").asText());
        }
        JsonNode error = result.path("error");
        if (error.isObject()) {
            throw new InvalidRequestException(error.path("code").asText(), error.path("status").asInt(500),
                    error.path("message").asText());
        }
        return new Answer(result.path("pullId").asText(null), result.path("runId").isNull() ? null
                : result.path("runId").asText(null));
    }
}
