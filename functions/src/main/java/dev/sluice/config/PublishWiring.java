package dev.sluice.config;

import dev.sluice.application.publish.PublishRun;
import java.time.Duration;
import java.util.function.BiConsumer;

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

    /** Hides a publish message for a while: the next delivery after a passing fault (see PublishFunction). */
    public BiConsumer<String, Duration> publishRedeliveryDelay() {
        return adapters.publishRedeliveryDelay();
    }

    /** The first backoff after a transient failure, the same as a chunk's. */
    public Duration retryBase() {
        return settings().chunkRetryBase();
    }
}
