package dev.sluice.application.port;

import dev.sluice.domain.destination.DeliveryMessage;

/** Puts a delivery on DeliveryQueue, whose consumer (DeliveryFunction) delivers it with the queue's retries. */
@FunctionalInterface
public interface DeliverySender {
    void send(DeliveryMessage message);
}
