package dev.sluice.application.port;

import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.util.List;
import java.util.Optional;

/** Run state (DynamoDB). Every method that changes state is conditional, so repeated calls are harmless. */
public interface RunRepository {

    /** Creates the run unless one with the same id exists; false when it already existed. */
    boolean create(Run run);

    Optional<Run> find(String runId);

    List<Run> listByOwner(String owner, int limit);

    /** CREATED/RECEIVED (or a retried SPLITTING) becomes SPLITTING: the run as it now is, or empty when past that. */
    Optional<Run> startSplitting(String runId);

    void recordFileFacts(String runId, Run.FileFacts facts);

    /** Absolute progress of the splitter; never moves backwards. */
    void recordSplitProgress(String runId, long recordsPlanned, int chunksPlanned);

    /** SPLITTING becomes LOADING with the final totals; false when another splitter got there first. */
    boolean finishSplitting(String runId, long records, int chunks);

    /** Any non-final state becomes FAILED with a reason the user can act on; false when already final. */
    boolean fail(String runId, String code, String message);

    /** Counts a loaded chunk once; false when it had been counted before. */
    boolean countChunk(String runId, int chunkNo, int stored, int rejected);

    /** Counts a dead chunk once (its records become errors); false when the chunk had been counted before. */
    boolean countDeadChunk(String runId, Run.DeadChunk deadChunk);

    /** Remembers why the last attempt at a chunk failed, so the dead-chunk record can say why. */
    void recordChunkFailure(String runId, int chunkNo, String reason);

    Optional<String> lastChunkFailure(String runId, int chunkNo);

    /** When every chunk is counted, LOADING becomes SUCCEEDED or PARTIAL; returns the final status if set now. */
    Optional<RunStatus> finishIfComplete(String runId);
}
