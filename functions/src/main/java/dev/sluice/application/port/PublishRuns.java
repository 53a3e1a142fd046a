package dev.sluice.application.port;

import dev.sluice.domain.run.PublishCounts;
import dev.sluice.domain.run.RollbackReport;
import dev.sluice.domain.run.Run;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The publication transitions of a run item (DynamoDB). Each is one conditional update, so a repeated or
 * concurrent call changes the run at most once; false means the run was not in the status the step starts from.
 */
public interface PublishRuns {

    Optional<Run> find(String runId);

    /** Remembers, on a run in REVIEW, what publishing it would do. */
    boolean recordReview(String runId, String strategy, PublishCounts counts);

    /** REVIEW becomes PUBLISHING (a person asked to publish). */
    boolean startPublishing(String runId);

    /** PUBLISHING becomes the run's load outcome (SUCCEEDED or PARTIAL), with what publishing did. */
    boolean finishPublishing(String runId, String strategy, PublishCounts counts, Instant publishedAt);

    /**
     * {@link #finishPublishing(String, String, PublishCounts, Instant)} for a run read in PUBLISHING: a store may
     * take the outcome from it, on the condition that the stored run still has that outcome, instead of reading it.
     */
    default boolean finishPublishing(Run publishing, String strategy, PublishCounts counts, Instant publishedAt) {
        return finishPublishing(publishing.runId(), strategy, counts, publishedAt);
    }

    /** Any non-final status becomes FAILED with a reason the user can act on; false when already final. */
    boolean fail(String runId, String code, String message);

    /** REVIEW becomes CANCELLED with failure code DISCARDED; the run's records stay, unpublished. */
    boolean discard(String runId, String message);

    /** A published SUCCEEDED or PARTIAL run becomes ROLLED_BACK, with what the rollback did. */
    boolean markRolledBack(String runId, RollbackReport rollback, Instant rolledBackAt);

    /** Runs in PUBLISHING whose last change is older than {@code cutoff}, at most {@code limit}. */
    List<Run> publishingBefore(Instant cutoff, int limit);
}
