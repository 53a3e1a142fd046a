package dev.sluice.application.port;

import dev.sluice.domain.destination.Delivery;
import dev.sluice.domain.destination.Destination;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where destinations and their deliveries are kept (Sluice's PostgreSQL). Ownership is checked by the callers. A
 * delivery is one row per (run, destination): queuing it twice keeps one.
 */
public interface DestinationRepository {
    void create(Destination destination);

    Optional<Destination> find(String id);

    /** The dataset's destinations, oldest first. */
    List<Destination> listByDataset(String datasetId);

    /** False when the destination is gone. */
    boolean update(Destination destination);

    /** False when it was not there. Its deliveries stay, so a run still shows where it went. */
    boolean delete(String id);

    /** Removes the deliveries of a dataset's runs, to every destination (a deleted one's too); none is no error. */
    void deleteDeliveriesOf(String datasetId);

    /** Records a pending delivery unless one exists; true when this call created it. */
    boolean queue(String runId, Destination destination, Instant now);

    Optional<Delivery> delivery(String runId, String destinationId);

    /**
     * Starts an attempt: counts it and marks the delivery DELIVERING; false (nothing changed) when it is already
     * DELIVERED or does not exist.
     */
    boolean start(String runId, String destinationId, Instant now);

    void delivered(String runId, String destinationId, long rows, Instant at);

    void failed(String runId, String destinationId, String error, Instant at);

    /** Marks a delivery that is not DELIVERED as SKIPPED, with the reason as its error. */
    void skipped(String runId, String destinationId, String reason, Instant at);

    /** Makes a delivery that is not DELIVERED pending again (a resend); false when it is delivered or missing. */
    boolean requeue(String runId, String destinationId, Instant now);

    /** The run's deliveries, in the order their destinations were created. */
    List<Delivery> deliveriesOf(String runId);
}
