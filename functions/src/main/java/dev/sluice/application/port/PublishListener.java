package dev.sluice.application.port;

import dev.sluice.domain.run.Run;
import java.util.Optional;

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
     * @param run       the run as the publisher read it before publishing (its file, source and counts no longer
     *                  change by then), so a listener need not read it again; empty when the caller has none
     */
    record Published(String runId, String datasetId, String strategy, Optional<Run> run) {
        public Published(String runId, String datasetId, String strategy) {
            this(runId, datasetId, strategy, Optional.empty());
        }

        public static Published of(Run run, String strategy) {
            return new Published(run.runId(), run.datasetId(), strategy, Optional.of(run));
        }
    }
}
