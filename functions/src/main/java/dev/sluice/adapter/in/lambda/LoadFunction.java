package dev.sluice.adapter.in.lambda;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.wire.ChunkMessageCodec;
import dev.sluice.application.load.LoadChunk;
import dev.sluice.config.Json;
import dev.sluice.config.LoadWiring;
import dev.sluice.config.Settings;
import dev.sluice.domain.chunk.ChunkMessage;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ChunkQueue → load each chunk once. A failed chunk is reported as a batch item failure, so SQS redelivers
 * only it; after maxReceiveCount deliveries SQS moves it to ChunkDLQ. A failure that passes by itself (database
 * unreachable, DynamoDB throttling) brings the chunk back after a {@link ChunkBackoff} instead of the visibility
 * timeout.
 */
public final class LoadFunction implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadFunction.class);

    private final LoadChunk loadChunk;
    private final boolean tracing;
    private final SqsBatch<ChunkMessage> batch;
    private final Runnable closer;
    private final ChunkBackoff backoff;
    private final BiConsumer<String, Duration> redeliveryDelay;

    /** Lambda's constructor: wired from the process environment. */
    public LoadFunction() {
        this(Settings.fromEnvironment(System.getenv()));
    }

    /** Wired from the given settings, for a runtime that hosts several functions in one JVM (the local one). */
    public LoadFunction(Settings settings) {
        this(new LoadWiring(settings));
    }

    private LoadFunction(LoadWiring wiring) {
        this(wiring.loadChunk(), wiring.json(), wiring.tracing(), wiring::close,
                ChunkBackoff.from(wiring.chunkRetryBase()), wiring.chunkRedeliveryDelay());
    }

    /** Without backoff: a failed chunk comes back after the queue's visibility timeout. */
    public LoadFunction(LoadChunk loadChunk) {
        this(loadChunk, Json.mapper(), false, () -> {
        }, ChunkBackoff.from(Duration.ofSeconds(1)), (receiptHandle, delay) -> {
        });
    }

    private LoadFunction(LoadChunk loadChunk, ObjectMapper json, boolean tracing, Runnable closer,
            ChunkBackoff backoff, BiConsumer<String, Duration> redeliveryDelay) {
        this.loadChunk = loadChunk;
        this.tracing = tracing;
        this.closer = closer;
        this.backoff = backoff;
        this.redeliveryDelay = redeliveryDelay;
        // Retrying cannot fix a malformed body, but ChunkDLQ keeps it for an operator (DeadChunkFunction drops it).
        this.batch = SqsBatch.decoding("a chunk message", body -> ChunkMessageCodec.decode(json, body))
                .poisonMessages(SqsBatch.PoisonMessagePolicy.RETRY_UNTIL_DLQ)
                .logContext(chunk -> Telemetry.logContext(chunk.runId(), chunk.chunkNo()))
                .handling(this::load);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Telemetry.invocation(context, () -> batch.process(event));
    }

    private void load(ChunkMessage chunk, SqsBatch.Delivery delivery) {
        LoadChunk.Result result;
        try {
            result = ChunkTraceContinuation.traced(tracing, delivery.message(), "load", chunk.runId(),
                    () -> loadChunk.load(chunk));
        } catch (RuntimeException e) {
            recordFailure(chunk, e);
            backoff.afterFailure(e, delivery, redeliveryDelay, "chunk " + chunk.chunkNo(), LOG);
            throw e;
        }
        if (result.outcome() == LoadChunk.Outcome.DROPPED) {
            // Acknowledged, not retried: redelivery cannot turn it into a planned chunk of a live run.
            LOG.warn("message {} dropped, nothing loaded or counted: {}", delivery.messageId(),
                    result.dropReason().orElse(""));
            return;
        }
        // Counts and timings are JSON fields too (Logs Insights reads them without parsing the message).
        LOG.info("chunk {} records {}-{}: {}, {}, {}, loaded now {}, counted now {}; {} (read+parse+write), {}{}",
                chunk.chunkNo(), chunk.firstRecord(), chunk.lastRecord(), result.outcome(),
                entry("stored", result.entry().stored()), entry("rejected", result.entry().rejected()),
                result.loadedNow(), result.countedNow(), entry("writeMillis", result.timings().writeMillis()),
                entry("countMillis", result.timings().countMillis()),
                result.finished().map(s -> ", run finished " + s).orElse(""));
        Telemetry.logErrorCodes(LOG, result.errorCodes());
    }

    /** Remembers why this delivery failed, so the chunk's dead-chunk entry can say why if it never loads. */
    private void recordFailure(ChunkMessage chunk, RuntimeException failure) {
        try {
            loadChunk.recordFailure(chunk, failure);
        } catch (RuntimeException recordError) {
            LOG.warn("could not record the failure of chunk {}", chunk.chunkNo(), recordError);
        }
    }

    /** Releases the clients this handler built (the local runtime calls it at stop; Lambda never does). */
    @Override
    public void close() {
        closer.run();
    }
}
