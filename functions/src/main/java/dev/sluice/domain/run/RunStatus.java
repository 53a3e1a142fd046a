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
    EXPIRED;

    public boolean isFinal() {
        return switch (this) {
            case SUCCEEDED, PARTIAL, FAILED, DUPLICATE, CANCELLED, EXPIRED -> true;
            default -> false;
        };
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
            case LOADING -> next == PUBLISHING || next == SUCCEEDED || next == PARTIAL;
            case PUBLISHING -> next == SUCCEEDED || next == PARTIAL;
            default -> false;
        };
    }
}
