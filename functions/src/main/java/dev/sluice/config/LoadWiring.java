package dev.sluice.config;

import dev.sluice.application.load.LoadChunk;

/**
 * LoadFunction and DeadChunkFunction: the loader use case, over S3 (ranged reads), PostgreSQL (records and the chunk
 * ledger) and DynamoDB (run counters). No SQS or WebSocket client.
 */
public final class LoadWiring extends FunctionWiring {
    private final LoadChunk loadChunk;

    public LoadWiring(Settings settings) {
        super(settings);
        this.loadChunk = new LoadChunk(adapters.objectStore(), adapters.runs(), adapters.records(),
                adapters.metrics());
    }

    public LoadChunk loadChunk() {
        return loadChunk;
    }
}
