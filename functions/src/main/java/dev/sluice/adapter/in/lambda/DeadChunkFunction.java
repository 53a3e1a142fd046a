package dev.sluice.adapter.in.lambda;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** ChunkDLQ → record the chunk as dead so its run still finishes (PARTIAL) and says which chunk and why. */
public final class DeadChunkFunction implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeadChunkFunction.class);

    private final LoadChunk loadChunk;
    private final SqsBatch<ChunkMessage> batch;
    private final Runnable closer;

    /** Lambda's constructor: wired from the process environment. */
    public DeadChunkFunction() {
        this(Settings.fromEnvironment(System.getenv()));
    }

    /** Wired from the given settings, for a runtime that hosts several functions in one JVM (the local one). */
    public DeadChunkFunction(Settings settings) {
        this(new LoadWiring(settings));
    }

    private DeadChunkFunction(LoadWiring wiring) {
        this(wiring.loadChunk(), wiring.json(), wiring::close);
    }

    public DeadChunkFunction(LoadChunk loadChunk) {
        this(loadChunk, Json.mapper(), () -> {
        });
    }

    private DeadChunkFunction(LoadChunk loadChunk, ObjectMapper json, Runnable closer) {
        this.loadChunk = loadChunk;
        this.closer = closer;
        // Nothing to mark for a body that was never a chunk message, and no queue behind ChunkDLQ to keep it.
        this.batch = SqsBatch.decoding("a chunk message", body -> ChunkMessageCodec.decode(json, body))
                .poisonMessages(SqsBatch.PoisonMessagePolicy.DELETE)
                .logContext(chunk -> Telemetry.logContext(chunk.runId(), chunk.chunkNo()))
                .handling(this::markDead);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Telemetry.invocation(context, () -> batch.process(event));
    }

    private void markDead(ChunkMessage chunk, SqsBatch.Delivery delivery) {
        LoadChunk.Result result = loadChunk.markDead(chunk);
        if (result.outcome() == LoadChunk.Outcome.DROPPED) {
            // Deleted from ChunkDLQ: it is no chunk this function may count, now or on any redelivery.
            LOG.warn("dead message {} dropped, nothing written or counted: {}", delivery.messageId(),
                    result.dropReason().orElse(""));
            return;
        }
        LOG.warn("chunk {} (records {}-{}) is {}{}", chunk.chunkNo(), chunk.firstRecord(), chunk.lastRecord(),
                result.entry().outcome(), result.finished().map(s -> "; run finished " + s).orElse(""));
        Telemetry.logErrorCodes(LOG, result.errorCodes());
    }

    /** Releases the clients this handler built (the local runtime calls it at stop; Lambda never does). */
    @Override
    public void close() {
        closer.run();
    }
}
