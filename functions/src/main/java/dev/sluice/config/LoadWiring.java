package dev.sluice.config;

import dev.sluice.application.load.LoadChunk;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * LoadFunction and DeadChunkFunction: the loader use case, over S3 (ranged reads), PostgreSQL (records and the chunk
 * ledger) and DynamoDB (run counters); SQS only to delay a failed chunk's next delivery. No WebSocket client.
 */
public final class LoadWiring extends FunctionWiring {
    private final LoadChunk loadChunk;

    public LoadWiring(Settings settings) {
        super(settings);
        this.loadChunk = new LoadChunk(adapters.objectStore(), adapters.runs(), adapters.records(),
                adapters.metrics(), adapters.publishSender());
    }

    public LoadChunk loadChunk() {
        return loadChunk;
    }

    /** Delays the next delivery of a ChunkQueue message (receipt handle, delay from now). */
    public BiConsumer<String, Duration> chunkRedeliveryDelay() {
        return adapters.chunkRedeliveryDelay();
    }

    /** The first backoff after a transient failure; see LoadFunction. */
    public Duration chunkRetryBase() {
        return settings().chunkRetryBase();
    }
}
