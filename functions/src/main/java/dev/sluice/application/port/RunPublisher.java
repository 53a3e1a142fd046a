package dev.sluice.application.port;

import dev.sluice.domain.run.PublishCounts;
import dev.sluice.domain.run.ReviewReport;
import dev.sluice.domain.run.RollbackReport;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.PublishStrategy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Moves a loaded run's records into its dataset's current rows (PostgreSQL dataset_rows and dataset_rollups), and
 * back out. Every change is one transaction serialised per dataset, recorded in a publish ledger so that a repeated
 * call changes nothing.
 */
public interface RunPublisher {

    /**
     * What to publish: the run, its dataset, the dataset's kind and strategy, and the key columns (canonical field
     * names for marketing, header names for raw; empty for append).
     */
    record Target(String runId, String datasetId, DatasetKind kind, PublishStrategy strategy, List<String> key) {
        public Target {
            key = List.copyOf(key);
        }
    }

    /** What the ledger holds about a run's publication. */
    record Publication(String runId, String datasetId, String strategy, PublishCounts counts, Instant publishedAt,
            Instant rolledBackAt, RollbackReport rollback) {
    }

    /**
     * Publishes the run's records that no earlier call published, each once: all of them the first time, and after a
     * redrive loaded more of them, those (a later generation, with the strategy and key of the first). Returns the
     * ledger's record, whose counts are the sums over the generations; {@code publishedNow} is false when there was
     * nothing left to publish (a repeated delivery) or the run was rolled back: nothing changed now.
     */
    Result publish(Target target);

    record Result(boolean publishedNow, Publication publication) {
    }

    /** What {@link #publish} would do now, without writing; up to {@code samples} samples of each kind. */
    ReviewReport review(Target target, int samples);

    /**
     * Removes what the run published, once. Empty when the run was never published; the publication with
     * {@code rolledBackNow} false when it had been rolled back already.
     */
    Optional<RollbackResult> rollback(String runId);

    record RollbackResult(boolean rolledBackNow, Publication publication) {
    }

    Optional<Publication> publication(String runId);

    /** Deletes every row, rollup and ledger row of the dataset (the dataset is being deleted). */
    void deleteDataset(String datasetId);
}
