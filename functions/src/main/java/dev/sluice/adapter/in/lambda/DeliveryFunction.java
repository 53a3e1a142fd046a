package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.wire.DeliveryMessageCodec;
import dev.sluice.application.destination.DeliverRuns;
import dev.sluice.config.DeliveryWiring;
import dev.sluice.config.Json;
import dev.sluice.config.Settings;
import dev.sluice.domain.destination.DeliveryMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeliveryQueue → one run delivered to one destination. A failed delivery is reported as a batch item failure, so
 * SQS delivers it again after the visibility timeout (the queue's backoff) and after maxReceiveCount moves it to
 * DeliveryDLQ, where the delivery stays FAILED until a user resends it.
 */
public final class DeliveryFunction implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFunction.class);

    private final SqsBatch<DeliveryMessage> batch;
    private final DeliverRuns deliverRuns;
    private final Runnable closer;

    /** Lambda's constructor: wired from the process environment. */
    public DeliveryFunction() {
        this(Settings.fromEnvironment(System.getenv()));
    }

    /** Wired from the given settings, for a runtime that hosts several functions in one JVM (the local one). */
    public DeliveryFunction(Settings settings) {
        this(new DeliveryWiring(settings));
    }

    private DeliveryFunction(DeliveryWiring wiring) {
        this(wiring.deliverRuns(), wiring.json(), wiring::close);
    }

    public DeliveryFunction(DeliverRuns deliverRuns) {
        this(deliverRuns, Json.mapper(), () -> {
        });
    }

    private DeliveryFunction(DeliverRuns deliverRuns, ObjectMapper json, Runnable closer) {
        this.deliverRuns = deliverRuns;
        this.closer = closer;
        this.batch = SqsBatch.decoding("a delivery message", body -> DeliveryMessageCodec.decode(json, body))
                .poisonMessages(SqsBatch.PoisonMessagePolicy.RETRY_UNTIL_DLQ)
                .handling(this::deliver);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Telemetry.invocation(context, () -> batch.process(event));
    }

    private void deliver(DeliveryMessage message, SqsBatch.Delivery delivery) {
        DeliverRuns.Outcome outcome = deliverRuns.deliver(message);
        LOG.info("run {} to destination {} (delivery {}): {}", message.runId(), message.destinationId(),
                delivery.receiveCount(), outcome);
    }

    /** Releases the clients this handler built (the local runtime calls it at stop; Lambda never does). */
    @Override
    public void close() {
        closer.run();
    }
}
