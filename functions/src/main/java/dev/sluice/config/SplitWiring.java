package dev.sluice.config;

import dev.sluice.application.split.SplitObject;

/**
 * SplitFunction: the splitter use case, over S3 (the object), DynamoDB (the run, its plan, the upload ledger and the
 * run's dataset) and SQS (ChunkQueue).
 * No database or WebSocket client.
 */
public final class SplitWiring extends FunctionWiring {
    private final SplitObject splitObject;

    public SplitWiring(Settings settings) {
        super(settings);
        this.splitObject = new SplitObject(adapters.objectStore(), adapters.runs(), adapters.chunkSender(),
                new SplitObject.SplitLimits(settings.chunkBytes(), settings.chunkMaxRecords(),
                        settings.maxFileBytes()),
                adapters.uploadLedger(), settings.uploadLimits(), adapters.datasets(), adapters.metrics(),
                adapters.clock()).publishingTo(adapters.publishSender()).resendingFrom(adapters.runs());
    }

    public SplitObject splitObject() {
        return splitObject;
    }

    /** IngestQueue's maxReceiveCount: the delivery on which a failed split ends its run FAILED. */
    public int maxReceiveCount() {
        return settings().ingestMaxReceiveCount();
    }
}
