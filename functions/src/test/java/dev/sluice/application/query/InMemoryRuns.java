package dev.sluice.application.query;

import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.application.port.RunRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory twin of the run repository for the reads and the create the API uses; the pipeline's state changes
 * are not twinned and refuse loudly, so a test that reaches one knows it left the API's ground.
 */
public final class InMemoryRuns implements RunRepository {
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    /** Every run id find() was asked for, in order: a test can tell whether a read happened. */
    public final List<String> finds = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public boolean create(Run run) {
        return runs.putIfAbsent(run.runId(), run) == null;
    }

    @Override
    public Optional<Run> find(String runId) {
        finds.add(runId);
        return Optional.ofNullable(runs.get(runId));
    }

    /** Newest first, as the runs-by-owner index is read. */
    @Override
    public List<Run> listByOwner(String owner, int limit) {
        return runs.values().stream().filter(run -> owner.equals(run.owner()))
                .sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::runId).reversed())
                .limit(limit).toList();
    }

    @Override
    public List<Run> listRecent(int limit) {
        return runs.values().stream()
                .sorted(Comparator.comparing(Run::updatedAt).reversed().thenComparing(Run::runId))
                .limit(limit).toList();
    }

    private static UnsupportedOperationException notTwinned() {
        return new UnsupportedOperationException("not part of the API's twin");
    }

    @Override
    public Optional<Run> startSplitting(String runId, ObjectVersion version, long bytesTotal) {
        throw notTwinned();
    }

    @Override
    public void recordFileFacts(String runId, Run.FileFacts facts) {
        throw notTwinned();
    }

    @Override
    public void recordPlannedChunks(String runId, List<ChunkMessage> chunks) {
        throw notTwinned();
    }

    @Override
    public void recordSplitProgress(String runId, long recordsPlanned, int chunksPlanned) {
        throw notTwinned();
    }

    @Override
    public boolean finishSplitting(String runId, long records, int chunks) {
        throw notTwinned();
    }

    @Override
    public boolean fail(String runId, String code, String message) {
        throw notTwinned();
    }

    @Override
    public void noteFailure(String runId, String code, String message) {
        throw notTwinned();
    }

    @Override
    public RunAndPlan findWithPlan(String runId, int chunkNo) {
        throw notTwinned();
    }

    @Override
    public boolean countChunk(String runId, int chunkNo, int stored, int rejected, long bytes) {
        throw notTwinned();
    }

    @Override
    public boolean countDeadChunk(String runId, Run.DeadChunk deadChunk, long bytes) {
        throw notTwinned();
    }

    @Override
    public void recordChunkFailure(String runId, int chunkNo, String reason) {
        throw notTwinned();
    }

    @Override
    public Optional<String> lastChunkFailure(String runId, int chunkNo) {
        throw notTwinned();
    }

    @Override
    public Optional<RunStatus> finishIfComplete(String runId) {
        throw notTwinned();
    }

    @Override
    public List<Run> createdBefore(Instant cutoff, int limit) {
        throw notTwinned();
    }

    @Override
    public boolean expire(String runId, String code, String message) {
        throw notTwinned();
    }
}
