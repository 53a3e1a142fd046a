package dev.sluice.domain.run;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Why a run that is not final cannot move now (DESIGN invariant 5: runs always finish, and one that cannot move
 * right now says so, and why).
 *
 * @param redeliveryBy when the chunks are expected back, for {@link Reason#WAITING_FOR_REDELIVERY}
 */
public record Stall(Reason reason, Optional<Instant> redeliveryBy) {
    /** Unchanged this long in a state other than LOADING, a run is stuck outside any retry path. */
    public static final Duration STALLED_AFTER = Duration.ofMinutes(15);
    /** LoadFunction's timeout in template.yaml: no delivery of a chunk is still running after this long. */
    public static final Duration LOAD_TIMEOUT = Duration.ofSeconds(120);

    public Stall {
        redeliveryBy = redeliveryBy == null ? Optional.empty() : redeliveryBy;
    }

    public enum Reason {
        /**
         * A loading run unchanged for longer than a load may take: a delivery of one of its chunks did not finish
         * (its function failed, or the runtime running it stopped), and the chunk comes back when its message's
         * visibility timeout ends. Also shown while other runs' chunks keep every loader busy.
         */
        WAITING_FOR_REDELIVERY,
        /** No change for longer than any retry takes: something outside the normal retry path went wrong. */
        NO_PROGRESS
    }

    /**
     * A LOADING run changes at least once per chunk counted. Unchanged for longer than LoadFunction's timeout, no
     * delivery can still be running, so its chunks wait for redelivery: by the last change plus a load's timeout
     * plus ChunkQueue's visibility timeout (a delivery received after the last change ended within a load's
     * timeout). Past that, or unchanged for 15 minutes in another state, the run has made no progress.
     */
    static Optional<Stall> of(RunStatus status, Instant updatedAt, Instant now, Duration chunkVisibilityTimeout) {
        if (status.isFinal() || status == RunStatus.CREATED || updatedAt == null) {
            return Optional.empty();
        }
        if (status == RunStatus.LOADING && updatedAt.plus(LOAD_TIMEOUT).isBefore(now)) {
            Instant redeliveryBy = updatedAt.plus(LOAD_TIMEOUT).plus(chunkVisibilityTimeout);
            return Optional.of(now.isBefore(redeliveryBy)
                    ? new Stall(Reason.WAITING_FOR_REDELIVERY, Optional.of(redeliveryBy))
                    : new Stall(Reason.NO_PROGRESS, Optional.empty()));
        }
        return updatedAt.plus(STALLED_AFTER).isBefore(now)
                ? Optional.of(new Stall(Reason.NO_PROGRESS, Optional.empty())) : Optional.empty();
    }
}
