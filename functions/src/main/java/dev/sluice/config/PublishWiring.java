package dev.sluice.config;

import dev.sluice.application.port.PublishListener;
import dev.sluice.application.publish.PublishRun;

/**
 * PublishFunction: the publish use case over DynamoDB (the run item, the dataset's publish settings) and PostgreSQL
 * (dataset_rows, dataset_rollups, the publish ledger).
 */
public final class PublishWiring extends FunctionWiring {
    private final PublishRun publishRun;

    public PublishWiring(Settings settings) {
        this(settings, PublishListener.NONE);
    }

    public PublishWiring(Settings settings, PublishListener listener) {
        super(settings);
        this.publishRun = new PublishRun(adapters.runs(), adapters.datasets(), adapters.publisher(), listener);
    }

    public PublishRun publishRun() {
        return publishRun;
    }
}
