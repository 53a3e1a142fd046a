package dev.sluice.domain.run;

/**
 * The life of one import run. Transitions only move forward; a final status never changes again, so a late or
 * repeated event (at-least-once delivery) can never reopen a finished run. The one exception is deliberate and is
 * not a transition here: a redrive asked for by a person moves a PARTIAL run with dead chunks back to LOADING
 * (RecoveryRepository#reopenDeadChunks, conditional on exactly those dead chunks).
 */
public enum RunStatus {
    /** Created by the API; waiting for the upload. */
    CREATED,
    /** The object landed in S3 and its event was taken off IngestQueue. */
    RECEIVED,
    /** The splitter is streaming the object and sending chunks. */
    SPLITTING,
    /** All chunks are sent; workers are loading them. */
    LOADING,
    /**
     * All chunks are loaded or dead and the dataset asks for review: the run waits for a person to publish it (then
     * PUBLISHING) or discard it (then CANCELLED). Not final, but at rest: nothing happens until someone acts.
     */
    REVIEW,
    /** All chunks are loaded or dead; the run's records are being published to the dataset. */
    PUBLISHING,
    SUCCEEDED,
    /** Finished, but some records were rejected or some chunks died. */
    PARTIAL,
    /** Nothing loadable: unreadable file, missing required columns, over limits. */
    FAILED,
    /** The same content was already imported into this dataset. */
    DUPLICATE,
    CANCELLED,
    /** No file arrived before the upload URL expired (plus a margin); nothing will be imported. */
    EXPIRED,
    /**
     * Was published (SUCCEEDED or PARTIAL), then rolled back: the dataset no longer holds what this run wrote. Like
     * a redrive, rolling back is a deliberate step a person asks for, not a transition here: it leaves a final
     * status, conditional on the run being published.
     */
    ROLLED_BACK;

    public boolean isFinal() {
        return switch (this) {
            case SUCCEEDED, PARTIAL, FAILED, DUPLICATE, CANCELLED, EXPIRED, ROLLED_BACK -> true;
            default -> false;
        };
    }

    /** Final, or waiting in REVIEW for a person: nothing more happens to the run by itself. */
    public boolean isAtRest() {
        return isFinal() || this == REVIEW;
    }

    /**
     * Whether a chunk may be loaded or counted for a run in this status: only while the splitter is sending chunks
     * or they are loading. A chunk message for a run in any other status is stale or forged.
     */
    public boolean acceptsChunks() {
        return this == SPLITTING || this == LOADING;
    }

    /**
     * Whether a run in this status may move to {@code next}. SPLITTING to SPLITTING is allowed because a split
     * retried after a crash (SQS redelivery) starts over in the same status.
     */
    public boolean canMoveTo(RunStatus next) {
        if (isFinal()) {
            return false;
        }
        if (next == FAILED || next == CANCELLED) {
            return true;
        }
        return switch (this) {
            case CREATED -> next == RECEIVED || next == EXPIRED;
            case RECEIVED -> next == SPLITTING || next == DUPLICATE;
            case SPLITTING -> next == SPLITTING || next == LOADING || next == DUPLICATE;
            case LOADING -> next == PUBLISHING || next == REVIEW || next == SUCCEEDED || next == PARTIAL;
            case REVIEW -> next == PUBLISHING;
            case PUBLISHING -> next == SUCCEEDED || next == PARTIAL;
            default -> false;
        };
    }
}
