package dev.sluice.config;

import dev.sluice.application.destination.DeliverRuns;
import java.time.Clock;

/** DeliveryFunction: destinations and published rows in Sluice's PostgreSQL, the secret store, the targets. */
public final class DeliveryWiring extends FunctionWiring {

    public DeliveryWiring(Settings settings) {
        super(settings);
    }

    public DeliverRuns deliverRuns() {
        return new DeliverRuns(adapters.destinationStore(), message -> adapters.deliverySender().send(message),
                adapters.destinationRows(), adapters.externalDatabase(), adapters.secretStore(), Clock.systemUTC());
    }
}
