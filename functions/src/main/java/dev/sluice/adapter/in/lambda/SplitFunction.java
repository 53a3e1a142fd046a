package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.split.S3ObjectEvent;
import dev.sluice.application.split.SplitObject;
import dev.sluice.config.Json;
import dev.sluice.config.Settings;
import dev.sluice.config.SplitWiring;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** IngestQueue → one streaming split per S3 ObjectCreated notification. */
public final class SplitFunction implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SplitFunction.class);

    private final SplitObject splitObject;
    private final boolean tracing;
    private final int maxReceiveCount;
    private final SqsBatch<List<S3ObjectEvent>> batch;
    private final Runnable closer;

    /** Lambda's constructor: wired from the process environment. */
    public SplitFunction() {
        this(Settings.fromEnvironment(System.getenv()));
    }

    /** Wired from the given settings, for a runtime that hosts several functions in one JVM (the local one). */
    public SplitFunction(Settings settings) {
        this(new SplitWiring(settings));
    }

    private SplitFunction(SplitWiring wiring) {
        this(wiring.splitObject(), wiring.maxReceiveCount(), wiring.json(), wiring.tracing(), wiring::close);
    }

    /** @param maxReceiveCount IngestQueue's: on that delivery a split that fails ends its run FAILED */
    public SplitFunction(SplitObject splitObject, int maxReceiveCount) {
        this(splitObject, maxReceiveCount, Json.mapper(), false, () -> {
        });
    }

    private SplitFunction(SplitObject splitObject, int maxReceiveCount, ObjectMapper json, boolean tracing,
            Runnable closer) {
        this.splitObject = splitObject;
        this.maxReceiveCount = maxReceiveCount;
        this.tracing = tracing;
        this.closer = closer;
        // IngestQueue's DLQ keeps a message that is not an S3 notification for an operator to read.
        this.batch = SqsBatch.decoding("an S3 event notification", body -> parse(json, body))
                .poisonMessages(SqsBatch.PoisonMessagePolicy.RETRY_UNTIL_DLQ)
                .handling(this::split);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Telemetry.invocation(context, () -> batch.process(event));
    }

    private void split(List<S3ObjectEvent> objectEvents, SqsBatch.Delivery delivery) {
        boolean lastAttempt = delivery.isLastAttempt(maxReceiveCount);
        for (S3ObjectEvent objectEvent : objectEvents) {
            split(objectEvent, lastAttempt, delivery.receiveCount() > 1);
        }
    }

    private void split(S3ObjectEvent objectEvent, boolean lastAttempt, boolean redelivered) {
        SplitObject.Result result = Telemetry.traced(tracing, "split", null,
                () -> splitObject.split(objectEvent, lastAttempt, redelivered));
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

    /** Releases the clients this handler built (the local runtime calls it at stop; Lambda never does). */
    @Override
    public void close() {
        closer.run();
    }
}
