package dev.sluice.adapter.in.lambda;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.publish.PublishRun;
import dev.sluice.config.Json;
import dev.sluice.config.PublishWiring;
import dev.sluice.config.Settings;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PublishQueue → publish a loaded run into its dataset ({"runId": "..."}). A failure reports the message as failed,
 * so SQS delivers it again (publishing is idempotent); after maxReceiveCount it rests in PublishDLQ and the
 * reconciler sends the run's message again once the run has been PUBLISHING for longer than its window.
 */
public final class PublishFunction implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PublishFunction.class);

    private final PublishRun publishRun;
    private final SqsBatch<String> batch;
    private final Runnable closer;
    private final ChunkBackoff backoff;
    private final BiConsumer<String, Duration> redeliveryDelay;

    /** Lambda's constructor: wired from the process environment. */
    public PublishFunction() {
        this(Settings.fromEnvironment(System.getenv()));
    }

    /** Wired from the given settings, for a runtime that hosts several functions in one JVM (the local one). */
    public PublishFunction(Settings settings) {
        this(new PublishWiring(settings));
    }

    private PublishFunction(PublishWiring wiring) {
        this(wiring.publishRun(), wiring.json(), wiring::close, ChunkBackoff.from(wiring.retryBase()),
                wiring.publishRedeliveryDelay());
    }

    /** Without backoff: a failed publish comes back after the queue's visibility timeout. */
    public PublishFunction(PublishRun publishRun) {
        this(publishRun, Json.mapper(), () -> {
        }, ChunkBackoff.from(Duration.ofSeconds(1)), (receiptHandle, delay) -> {
        });
    }

    private PublishFunction(PublishRun publishRun, ObjectMapper json, Runnable closer, ChunkBackoff backoff,
            BiConsumer<String, Duration> redeliveryDelay) {
        this.publishRun = publishRun;
        this.closer = closer;
        this.backoff = backoff;
        this.redeliveryDelay = redeliveryDelay;
        this.batch = SqsBatch.decoding("a publish message", body -> runId(json, body))
                .poisonMessages(SqsBatch.PoisonMessagePolicy.RETRY_UNTIL_DLQ)
                .logContext(runId -> Telemetry.logContext(runId, null))
                .handling(this::publish);
    }

    static String runId(ObjectMapper json, String body) {
        try {
            JsonNode node = json.readTree(body);
            JsonNode runId = node == null ? null : node.get("runId");
            if (runId == null || !runId.isTextual() || runId.asText().isBlank()) {
                throw new IllegalArgumentException("a publish message needs \"runId\"");
            }
            return runId.asText();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a publish message is JSON like {\"runId\": \"...\"}", e);
        }
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Telemetry.invocation(context, () -> batch.process(event));
    }

    private void publish(String runId, SqsBatch.Delivery delivery) {
        PublishRun.Outcome outcome;
        long started = System.nanoTime();
        try {
            outcome = publishRun.handle(runId);
        } catch (RuntimeException e) {
            // A database that refused or dropped the connection (or throttled DynamoDB) passes: the message comes
            // back after a backoff, as a chunk's does, not after the queue's visibility timeout (6x 900 s).
            backoff.afterFailure(e, delivery, redeliveryDelay, "the publish of run " + runId, LOG);
            throw e;
        }
        // The time is a JSON field too (Logs Insights reads it without parsing the message).
        LOG.info("publish message {} for run {}: {}, {}", delivery.messageId(), runId, outcome,
                entry("publishMillis", (System.nanoTime() - started) / 1_000_000));
    }

    /** Releases the clients this handler built (the local runtime calls it at stop; Lambda never does). */
    @Override
    public void close() {
        closer.run();
    }
}
