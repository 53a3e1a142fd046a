package dev.sluice.domain.destination;

import java.time.Instant;
import java.util.Objects;

/**
 * One run's delivery to one destination.
 *
 * @param rows        rows the target committed (null until delivered)
 * @param attempts    attempts started so far
 * @param error       why the last attempt failed (null otherwise); safe to show
 * @param deliveredAt when the target committed (null until then)
 */
public record Delivery(String runId, String destinationId, String datasetId, String name, DeliveryStatus status,
        Long rows, int attempts, String error, Instant deliveredAt) {
    public Delivery {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(destinationId, "destinationId");
        Objects.requireNonNull(status, "status");
    }
}
