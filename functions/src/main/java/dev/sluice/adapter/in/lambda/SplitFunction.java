package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.split.S3ObjectEvent;
import dev.sluice.application.split.SplitObject;
import dev.sluice.config.Components;
import dev.sluice.config.Settings;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** IngestQueue → one streaming split per S3 ObjectCreated notification. */
public final class SplitFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(SplitFunction.class);

    private final SplitObject splitObject;
    private final ObjectMapper json;
    private final boolean tracing;
    private final int maxReceiveCount;

    public SplitFunction() {
        this(new Components(Settings.fromEnvironment(System.getenv())));
    }

    public SplitFunction(Components components) {
        this.splitObject = components.splitObject();
        this.json = components.json();
        this.tracing = components.settings().xrayTracing();
        this.maxReceiveCount = components.settings().ingestMaxReceiveCount();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Telemetry.invocation(context, () -> {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage message : event.getRecords()) {
                try {
                    boolean lastAttempt = receiveCount(message) >= maxReceiveCount;
                    for (S3ObjectEvent objectEvent : parse(json, message.getBody())) {
                        split(objectEvent, lastAttempt);
                    }
                } catch (RuntimeException e) {
                    LOG.error("split failed for message {}; it will be retried", message.getMessageId(), e);
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                }
            }
            return new SQSBatchResponse(failures);
        });
    }

    private static int receiveCount(SQSEvent.SQSMessage message) {
        String count = message.getAttributes() == null ? null : message.getAttributes().get("ApproximateReceiveCount");
        return count == null ? 1 : Integer.parseInt(count);
    }

    private void split(S3ObjectEvent objectEvent, boolean lastAttempt) {
        SplitObject.Result result = Telemetry.traced(tracing, "split", null, () -> splitObject.split(objectEvent, lastAttempt));
        try (Telemetry.LogContext ignored = Telemetry.logContext(result.runId(), null)) {
            if (result.outcome() == SplitObject.Outcome.SKIPPED_OTHER_VERSION) {
                LOG.warn("s3://{}/{} (ETag {}): run {} was started on another version of its file; this event is "
                        + "dropped", objectEvent.bucket(), objectEvent.key(), objectEvent.eTag(), result.runId());
                return;
            }
            if (result.outcome() == SplitObject.Outcome.FAILED) {
                // The user's problem (a bad file), not the function's: a warning with the code operators filter on.
                LOG.warn("s3://{}/{} ({} bytes): FAILED with {}", objectEvent.bucket(), objectEvent.key(),
                        objectEvent.size(), result.failureCode().orElse("?"));
                return;
            }
            LOG.info("s3://{}/{} ({} bytes): {}", objectEvent.bucket(), objectEvent.key(), objectEvent.size(),
                    result.outcome());
        }
    }

    /** The S3 event notification JSON (eventVersion 2.x); s3:TestEvent messages carry no records. */
    static List<S3ObjectEvent> parse(ObjectMapper json, String body) {
        List<S3ObjectEvent> events = new ArrayList<>();
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("IngestQueue message is not JSON: " + e.getOriginalMessage(), e);
        }
        for (JsonNode record : root.path("Records")) {
            if (!record.path("eventName").asText().startsWith("ObjectCreated")) {
                continue;
            }
            JsonNode s3 = record.path("s3");
            JsonNode object = s3.path("object");
            // Keys in S3 notifications are URL-encoded, with '+' for spaces.
            String key = URLDecoder.decode(object.path("key").asText(), StandardCharsets.UTF_8);
            events.add(new S3ObjectEvent(s3.path("bucket").path("name").asText(), key, object.path("size").asLong(),
                    object.path("eTag").asText(null), object.path("sequencer").asText(null),
                    object.path("versionId").asText(null)));
        }
        return events;
    }
}
