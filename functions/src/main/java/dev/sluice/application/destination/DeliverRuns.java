package dev.sluice.application.destination;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.port.DeliverySender;
import dev.sluice.application.port.DestinationRepository;
import dev.sluice.application.port.ExternalDatabase;
import dev.sluice.application.port.PublishListener;
import dev.sluice.application.port.PublishedRows;
import dev.sluice.application.port.SecretStore;
import dev.sluice.domain.destination.Delivery;
import dev.sluice.domain.destination.DeliveryMessage;
import dev.sluice.domain.destination.DeliveryStatus;
import dev.sluice.domain.destination.Destination;
import dev.sluice.domain.destination.LoadStrategy;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivering published runs to their dataset's destinations. After a publish commits, {@link #published} queues one
 * delivery per destination (once, however often it is told); DeliveryFunction calls {@link #deliver} per queue
 * message, which writes the run's rows into the target exactly once (the target's marker row, see
 * {@link ExternalDatabase#deliver}) and records the outcome. A failed attempt is recorded and rethrown, so the queue
 * delivers the message again with its backoff and, after its last try, moves it to DeliveryDLQ; a user may resend.
 * A truncate-insert destination gets the run's complete data (its table becomes the run's); insert and upsert get
 * what the run changed (see {@link PublishedRows.Scope}). A run rolled back before its delivery committed is not
 * delivered at all: it has no rows left, and sending none would empty a truncate-insert table.
 */
public final class DeliverRuns implements PublishListener {
    private static final Logger LOG = LoggerFactory.getLogger(DeliverRuns.class);

    private final DestinationRepository destinations;
    private final DeliverySender sender;
    private final PublishedRows rows;
    private final ExternalDatabase external;
    private final SecretStore secrets;
    private final Clock clock;

    public DeliverRuns(DestinationRepository destinations, DeliverySender sender, PublishedRows rows,
            ExternalDatabase external, SecretStore secrets, Clock clock) {
        this.destinations = destinations;
        this.sender = sender;
        this.rows = rows;
        this.external = external;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * Queues the run for each destination. A delivery queued before is sent again only while still pending (its
     * first message may have been lost between the insert and the send); one in flight or done is left alone.
     */
    @Override
    public void published(Published published) {
        for (Destination destination : destinations.listByDataset(published.datasetId())) {
            boolean created = destinations.queue(published.runId(), destination, clock.instant());
            boolean stillPending = created || destinations.delivery(published.runId(), destination.id())
                    .filter(d -> d.status() == DeliveryStatus.PENDING).isPresent();
            if (stillPending) {
                sender.send(new DeliveryMessage(published.runId(), destination.id()));
            }
        }
    }

    /** The result of handling one delivery message. */
    public enum Outcome {
        /** The rows were committed in the target by this attempt. */
        DELIVERED,
        /** An earlier attempt had committed them (found as delivered here, or by its marker in the target). */
        ALREADY_DELIVERED,
        /** The destination is gone: nothing to do, ever. */
        DROPPED,
        /** The run was rolled back before it was delivered: nothing was written, ever. */
        SKIPPED
    }

    /**
     * Delivers one run to one destination.
     *
     * @throws ExternalDatabase.Failure when the target failed; recorded as the delivery's error first
     */
    public Outcome deliver(DeliveryMessage message) {
        Optional<Destination> found = destinations.find(message.destinationId());
        if (found.isEmpty()) {
            LOG.warn("delivery of run {} to destination {} dropped: the destination was deleted", message.runId(),
                    message.destinationId());
            return Outcome.DROPPED;
        }
        Destination destination = found.get();
        destinations.queue(message.runId(), destination, clock.instant());
        if (!destinations.start(message.runId(), destination.id(), clock.instant())) {
            return Outcome.ALREADY_DELIVERED;
        }
        if (rows.rolledBack(message.runId())) {
            return skipped(message.runId(), destination);
        }
        try {
            ExternalDatabase.Target target = ManageDestinations.targetOf(destination, secrets);
            ExternalDatabase.Outcome outcome = external.deliver(target, message.runId(), rows.rowsOf(
                    destination.datasetId(), message.runId(), List.copyOf(destination.columns().values()),
                    scopeOf(destination.strategy())));
            destinations.delivered(message.runId(), destination.id(), outcome.rows(), clock.instant());
            LOG.info("run {} {} destination {} ({} rows)", message.runId(), outcome.already()
                    ? "was already delivered to" : "delivered to", destination.id(), outcome.rows());
            return outcome.already() ? Outcome.ALREADY_DELIVERED : Outcome.DELIVERED;
        } catch (PublishedRows.RunRolledBack e) {
            // Rolled back while this attempt connected: the target's transaction was rolled back with nothing in it.
            return skipped(message.runId(), destination);
        } catch (ExternalDatabase.Failure e) {
            destinations.failed(message.runId(), destination.id(), e.problem().name() + ": " + e.getMessage(),
                    clock.instant());
            throw e;
        } catch (RuntimeException e) {
            destinations.failed(message.runId(), destination.id(), "INTERNAL: the delivery failed inside Sluice; "
                    + "it is retried", clock.instant());
            throw e;
        }
    }

    /**
     * Which rows a strategy gets: the table a truncate-insert loads becomes the run's data, so it needs every key the
     * run published; insert and upsert add to what the table holds, where the keys the run left unchanged already
     * are (insert would add them twice).
     */
    static PublishedRows.Scope scopeOf(LoadStrategy strategy) {
        return strategy == LoadStrategy.TRUNCATE_INSERT ? PublishedRows.Scope.COMPLETE : PublishedRows.Scope.CHANGED;
    }

    private Outcome skipped(String runId, Destination destination) {
        destinations.skipped(runId, destination.id(), rolledBackMessage(runId), clock.instant());
        LOG.info("run {} not delivered to destination {}: it was rolled back", runId, destination.id());
        return Outcome.SKIPPED;
    }

    private static String rolledBackMessage(String runId) {
        return "RUN_ROLLED_BACK: " + PublishedRows.RunRolledBack.describe(runId);
    }

    /** The run's deliveries; the caller has been shown the run already (its visibility is checked by the caller). */
    public List<Delivery> deliveriesOf(String runId) {
        return destinations.deliveriesOf(runId);
    }

    /**
     * Queues a delivery that is not delivered again; 404 when there is none, 409 when it is delivered, or when its run
     * was rolled back (there is nothing left to send).
     */
    public Delivery resend(String runId, String destinationId) {
        Delivery delivery = destinations.delivery(runId, destinationId).orElseThrow(() -> new InvalidRequestException(
                "NOT_FOUND", 404, "Run '" + runId + "' has no delivery to destination '" + destinationId + "'"));
        if (delivery.status() == DeliveryStatus.DELIVERED) {
            throw new InvalidRequestException("ALREADY_DELIVERED", 409, "Run '" + runId + "' was delivered to "
                    + "destination '" + delivery.name() + "' already; its rows are in the target exactly once");
        }
        if (rows.rolledBack(runId)) {
            throw new InvalidRequestException("RUN_ROLLED_BACK", 409, "Run '" + runId + "' was rolled back before it "
                    + "was delivered to destination '" + delivery.name() + "'; it has no rows to send, so nothing is "
                    + "sent (the target table is left as it is)");
        }
        destinations.requeue(runId, destinationId, clock.instant());
        sender.send(new DeliveryMessage(runId, destinationId));
        return destinations.delivery(runId, destinationId).orElseThrow();
    }
}
