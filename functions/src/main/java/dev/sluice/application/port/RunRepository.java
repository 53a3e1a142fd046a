package dev.sluice.application.port;

import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Run state (DynamoDB). Every method that changes state is conditional, so repeated calls are harmless. */
public interface RunRepository {

    /** Creates the run unless one with the same id exists; false when it already existed. */
    boolean create(Run run);

    Optional<Run> find(String runId);

    List<Run> listByOwner(String owner, int limit);

    /** The most recently changed runs of every owner, newest first: the administrators' view. */
    List<Run> listRecent(int limit);

    /**
     * CREATED/RECEIVED becomes SPLITTING and the run remembers which object version it reads and how big it is; a
     * split retried after a crash (same version, still SPLITTING) may start again. Returns the run as it now is, or
     * empty when it is past that or was started on another version of the object (the run keeps its first one).
     */
    Optional<Run> startSplitting(String runId, ObjectVersion version, long bytesTotal);

    void recordFileFacts(String runId, Run.FileFacts facts);

    /**
     * Remembers the chunks the splitter is about to send, so a loader can tell a planned chunk from anything else
     * on the queue (see {@link #findWithPlan}). Called before the chunks are sent.
     */
    void recordPlannedChunks(String runId, List<ChunkMessage> chunks);

    /** Absolute progress of the splitter; never moves backwards. */
    void recordSplitProgress(String runId, long recordsPlanned, int chunksPlanned);

    /**
     * The split's first progress, with what the splitter learned before it and left for this update: a small file's
     * facts and the content's SHA-256, so that one update does the work of three. A store that keeps no content hash
     * with its runs ignores {@code sha256}.
     */
    default void recordSplitProgress(String runId, long recordsPlanned, int chunksPlanned,
            Optional<Run.FileFacts> facts, Optional<String> sha256) {
        facts.ifPresent(f -> recordFileFacts(runId, f));
        recordSplitProgress(runId, recordsPlanned, chunksPlanned);
    }

    /** SPLITTING becomes LOADING with the final totals; false when another splitter got there first. */
    boolean finishSplitting(String runId, long records, int chunks);

    /** Any non-final state becomes FAILED with a reason the user can act on; false when already final. */
    boolean fail(String runId, String code, String message);

    /**
     * Notes a failure on a run that keeps loading (its other chunks may still count), e.g. FILE_CHANGED; the first
     * failure noted is kept. The status does not change.
     */
    void noteFailure(String runId, String code, String message);

    /** The run and the fingerprint of its planned chunk {@code chunkNo}, read together (empty when unknown). */
    RunAndPlan findWithPlan(String runId, int chunkNo);

    /**
     * The run and the fingerprint of its planned chunk, and the publish settings the splitter left on the run at
     * the end of its split (empty when it left none, or the store keeps none).
     */
    record RunAndPlan(Optional<Run> run, Optional<String> plannedFingerprint, Optional<PublishAsSplit> publishAsSplit) {
        public RunAndPlan(Optional<Run> run, Optional<String> plannedFingerprint) {
            this(run, plannedFingerprint, Optional.empty());
        }
    }

    /** What finishing a run goes by, as the splitter read its dataset: review or not, and the strategy's name. */
    record PublishAsSplit(boolean review, String strategy) {
    }

    /**
     * Counts a loaded chunk once, and only while the run accepts chunks (SPLITTING/LOADING) and the chunk number is
     * one the splitter planned; false when it was not counted now (counted before, or not acceptable).
     */
    boolean countChunk(String runId, int chunkNo, int stored, int rejected, long bytes);

    /** Counts a dead chunk once (its records become errors), under the same conditions as {@link #countChunk}. */
    boolean countDeadChunk(String runId, Run.DeadChunk deadChunk, long bytes);

    /** Remembers why the last attempt at a chunk failed, so the dead-chunk record can say why. */
    void recordChunkFailure(String runId, int chunkNo, String reason);

    Optional<String> lastChunkFailure(String runId, int chunkNo);

    /** When every chunk is counted, LOADING becomes SUCCEEDED or PARTIAL; returns the final status if set now. */
    Optional<RunStatus> finishIfComplete(String runId);

    /** What counting a chunk did: whether it was counted now, and the status the run took if that completed it. */
    record Counted(boolean countedNow, Optional<RunStatus> finished) {
    }

    /**
     * {@link #countChunk} then {@link #finishIfComplete}. A store whose update answers with the counted run decides
     * from that answer instead of reading the run again: the update that counts the last chunk sees every count.
     */
    default Counted countChunkAndFinish(String runId, int chunkNo, int stored, int rejected, long bytes) {
        boolean countedNow = countChunk(runId, chunkNo, stored, rejected, bytes);
        return new Counted(countedNow, finishIfComplete(runId));
    }

    /**
     * As {@link #countChunkAndFinish(String, int, int, int, long)}, given the run as this delivery read it before
     * loading ({@code seen}): when that showed this chunk as the only one outstanding, a store may count it and
     * finish the run in one conditional write, and fall back to counting alone when the run changed since.
     */
    default Counted countChunkAndFinish(RunAndPlan seen, String runId, int chunkNo, int stored, int rejected,
            long bytes) {
        return countChunkAndFinish(runId, chunkNo, stored, rejected, bytes);
    }

    /** {@link #countDeadChunk} then {@link #finishIfComplete}, as {@link #countChunkAndFinish}. */
    default Counted countDeadChunkAndFinish(String runId, Run.DeadChunk deadChunk, long bytes) {
        boolean countedNow = countDeadChunk(runId, deadChunk, bytes);
        return new Counted(countedNow, finishIfComplete(runId));
    }

    /**
     * {@link #finishSplitting} and, when that moved the run, {@link #finishIfComplete} (every chunk may have been
     * counted before the split ended); the status the run took, empty when it is not complete or was not split now.
     */
    default Optional<RunStatus> finishSplittingAndComplete(String runId, long records, int chunks) {
        return finishSplitting(runId, records, chunks) ? finishIfComplete(runId) : Optional.empty();
    }

    /**
     * As {@link #finishSplittingAndComplete(String, long, int)}, and the run keeps {@code publish}, its dataset's
     * publish settings as the splitter read them: finishing the run (now, or when its last chunk is counted) goes to
     * REVIEW or PUBLISHING by them without reading the dataset again. A redrive drops them, so the run finishes
     * then by its dataset's settings as they are at that time.
     */
    default Optional<RunStatus> finishSplittingAndComplete(String runId, long records, int chunks,
            PublishSettings publish) {
        return finishSplittingAndComplete(runId, records, chunks);
    }

    /**
     * The end of a split recorded in one update, by a split whose chunks all go out after it (see
     * {@code SplitObject}): the totals, the dataset's publish settings as the splitter read them (empty: none read),
     * and what the split learned and held back, the file's facts and the content's SHA-256.
     */
    record SplitEnd(long records, int chunks, Optional<PublishSettings> publish, Optional<Run.FileFacts> facts,
            Optional<String> sha256) {
    }

    /**
     * {@link #finishSplittingAndComplete(String, long, int, PublishSettings)} with what {@code end} carries, written
     * with it in one update where the store can. A store that keeps no content hash with its runs ignores the hash.
     */
    default Optional<RunStatus> finishSplittingAndComplete(String runId, SplitEnd end) {
        end.facts().ifPresent(facts -> recordFileFacts(runId, facts));
        return end.publish().isPresent()
                ? finishSplittingAndComplete(runId, end.records(), end.chunks(), end.publish().get())
                : finishSplittingAndComplete(runId, end.records(), end.chunks());
    }

    /** Runs still CREATED (no file arrived) created before {@code cutoff}, oldest first, at most {@code limit}. */
    List<Run> createdBefore(Instant cutoff, int limit);

    /** CREATED becomes EXPIRED with the reason; false when the run had moved on meanwhile. */
    boolean expire(String runId, String code, String message);
}
