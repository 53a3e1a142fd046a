package dev.sluice.config;

import dev.sluice.application.publish.PublishRun;

/**
 * PublishFunction: the publish use case over DynamoDB (the run item, the dataset's publish settings) and PostgreSQL
 * (dataset_rows, dataset_rollups, the publish ledger).
 */
public final class PublishWiring extends FunctionWiring {
    private final PublishRun publishRun;

    /** With the listeners the settings configure (sources' checkpoints, destinations' deliveries). */
    public PublishWiring(Settings settings) {
        super(settings);
        this.publishRun = new PublishRun(adapters.runs(), adapters.datasets(), adapters.publisher(),
                new Components(adapters).publishListener());
    }

    public PublishRun publishRun() {
        return publishRun;
    }
}
