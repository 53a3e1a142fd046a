package dev.sluice.application.port;

/**
 * Told after a run's publish transaction committed (a source advances its checkpoint, a destination delivers the
 * run's rows). Called at least once per published run: a redelivered publish message calls it again, so a listener
 * must be idempotent itself.
 */
@FunctionalInterface
public interface PublishListener {
    /** Nothing listens. */
    PublishListener NONE = published -> {
    };

    void published(Published published);

    /**
     * @param runId     the run that was published
     * @param datasetId its dataset
     * @param strategy  the wire name of the strategy it was published with (append, upsert, replace)
     */
    record Published(String runId, String datasetId, String strategy) {
    }
}
