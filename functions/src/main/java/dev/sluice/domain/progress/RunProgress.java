package dev.sluice.domain.progress;

import dev.sluice.domain.run.RunStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * What a watcher of a run needs to know about it at one moment: the progress-related part of the run item, read
 * either from the table (a snapshot) or from a stream image (a change).
 *
 * @param records      data records in the file (while splitting: records planned so far)
 * @param bytesDone    bytes of the file whose chunks are counted, as written by the loaders
 * @param bytesTotal   the file's size in bytes once the splitter knows it, else the announced upload size
 * @param chunksTotal  null until the splitter has finished
 * @param reviewReady  the run is in REVIEW and what publishing it would do is on the run item (its review counts):
 *                     the moment a person can review it
 */
public record RunProgress(
        String runId,
        String owner,
        RunStatus status,
        long records,
        long stored,
        long errors,
        long bytesDone,
        long bytesTotal,
        int chunksDone,
        int chunksDead,
        Integer chunksTotal,
        Instant updatedAt,
        boolean reviewReady) {

    public RunProgress {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (records < 0 || stored < 0 || errors < 0 || bytesDone < 0 || bytesTotal < 0 || chunksDone < 0
                || chunksDead < 0 || chunksTotal != null && chunksTotal < 0) {
            throw new IllegalArgumentException("run " + runId + ": progress counters cannot be negative");
        }
        if (reviewReady && status != RunStatus.REVIEW) {
            throw new IllegalArgumentException("run " + runId + ": ready for review while " + status);
        }
    }

    /** A state that is not ready for review (any status but a REVIEW run whose review counts are recorded). */
    public RunProgress(String runId, String owner, RunStatus status, long records, long stored, long errors,
            long bytesDone, long bytesTotal, int chunksDone, int chunksDead, Integer chunksTotal, Instant updatedAt) {
        this(runId, owner, status, records, stored, errors, bytesDone, bytesTotal, chunksDone, chunksDead,
                chunksTotal, updatedAt, false);
    }

    /** Records stored or rejected so far. */
    public long counted() {
        return stored + errors;
    }

    /** Chunks that will not change any more (loaded or dead). */
    public int chunksFinished() {
        return chunksDone + chunksDead;
    }

    public boolean isFinal() {
        return status.isFinal();
    }

    /**
     * Whether this state is newer than {@code seen} for a watcher who already has {@code seen}. Every counter of a
     * run only grows and its status only moves forward (DynamoRunRepository's conditional updates), so a state
     * behind in any of them is an older one, e.g. a stream record still in flight when a snapshot was read. Equal
     * states are not ahead: the watcher has it already. Within REVIEW, a run only becomes ready for review.
     */
    public boolean isAheadOf(RunProgress seen) {
        if (!runId.equals(seen.runId)) {
            throw new IllegalArgumentException("comparing run " + runId + " with run " + seen.runId);
        }
        boolean notBehind = status.ordinal() >= seen.status.ordinal() && records >= seen.records
                && stored >= seen.stored && errors >= seen.errors && bytesDone >= seen.bytesDone
                && chunksDone >= seen.chunksDone && chunksDead >= seen.chunksDead
                && (status != seen.status || reviewReady || !seen.reviewReady);
        boolean moved = status != seen.status || records != seen.records || stored != seen.stored
                || errors != seen.errors || bytesDone != seen.bytesDone || chunksDone != seen.chunksDone
                || chunksDead != seen.chunksDead || !Objects.equals(chunksTotal, seen.chunksTotal)
                || reviewReady != seen.reviewReady;
        return notBehind && moved;
    }
}
