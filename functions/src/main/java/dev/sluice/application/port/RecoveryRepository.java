package dev.sluice.application.port;

import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.run.Run;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the reconciler, resume, cancel and redrive read and change in the runs table, beside {@link RunRepository}.
 * Every change is conditional, so a repeated or concurrent call changes nothing twice.
 */
public interface RecoveryRepository {

    /** The chunk messages the splitter planned for the run, as it sent them, in chunk order. */
    List<ChunkMessage> plannedMessages(String runId);

    /** The chunk numbers counted into the run so far, loaded or dead. */
    Set<Integer> countedChunks(String runId);

    /**
     * Any non-final status but PUBLISHING becomes CANCELLED with the reason; false when the run is final already or
     * being published (its publish transaction may commit at any moment, and a cancelled run could not then take
     * its outcome nor be rolled back). Chunks that are mid-load when it happens are still counted (their rows are
     * committed), later ones are refused.
     */
    boolean cancel(String runId, String code, String message);

    /**
     * A PARTIAL run whose dead chunks are exactly {@code dead} becomes LOADING again with those chunks uncounted:
     * their CHUNK_FAILED errors and {@code bytes} come off its counters, so loading them again counts them once.
     * False when the run is not (or no longer) in that state, e.g. a concurrent redrive got there first.
     */
    boolean reopenDeadChunks(String runId, List<Run.DeadChunk> dead, long bytes);

    /** Runs still CREATED or RECEIVED (their file's event not taken yet) last changed before {@code cutoff}. */
    List<Run> waitingForFile(Instant cutoff, int limit);

    /** The owner's runs created at or after {@code since}, newest first, at most {@code limit}. */
    List<Run> createdSince(String owner, Instant since, int limit);
}
