package dev.sluice.domain.destination;

import java.util.Objects;

/**
 * What DeliveryQueue carries: deliver run {@code runId} to destination {@code destinationId}. Everything else is read
 * when the message is handled, so a message delivered twice, or after a resend, does the same thing.
 */
public record DeliveryMessage(String runId, String destinationId) {
    public DeliveryMessage {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(destinationId, "destinationId");
        if (runId.isBlank() || destinationId.isBlank()) {
            throw new IllegalArgumentException("a delivery message needs a run id and a destination id");
        }
    }
}
