package dev.sluice.domain.run;

import java.time.Instant;

/**
 * What became of a loaded run in its dataset, as the run item remembers it for the run card.
 *
 * @param outcome      the load outcome (SUCCEEDED or PARTIAL) the run takes once published; set when the run leaves
 *                     LOADING for REVIEW or PUBLISHING, null for a run that never published (nothing stored)
 * @param strategy     the wire name of the strategy (append, upsert, replace) it is or was published with
 * @param counts       in REVIEW what publishing would do, once published what it did (null before either)
 * @param publishedAt  when the publish transaction committed
 * @param rolledBackAt when the rollback transaction committed
 * @param rollback     what the rollback did
 */
public record Publication(RunStatus outcome, String strategy, PublishCounts counts, Instant publishedAt,
        Instant rolledBackAt, RollbackReport rollback) {
    public static final Publication NONE = new Publication(null, null, null, null, null, null);

    /** The state the run card shows: review, publishing, published, discarded, rolled_back, or null. */
    public String state(RunStatus status, String failureCode) {
        return switch (status) {
            case REVIEW -> "review";
            case PUBLISHING -> "publishing";
            case ROLLED_BACK -> "rolled_back";
            case CANCELLED -> "DISCARDED".equals(failureCode) ? "discarded" : null;
            case SUCCEEDED, PARTIAL -> publishedAt != null ? "published" : null;
            default -> null;
        };
    }
}
