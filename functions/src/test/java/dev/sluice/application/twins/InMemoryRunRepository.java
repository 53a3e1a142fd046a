package dev.sluice.application.twins;

import dev.sluice.application.port.DatasetRuns;
import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.application.port.PublishRuns;
import dev.sluice.application.port.RecoveryRepository;
import dev.sluice.application.port.RunRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.domain.run.Publication;
import dev.sluice.domain.run.PublishCounts;
import dev.sluice.domain.run.RollbackReport;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The runs table in memory, with the conditions DynamoRunRepository's conditional writes carry: forward-only
 * status moves, a chunk counted once and only when planned for a run that takes chunks, the first object version
 * kept. Built with datasets' publish settings ({@link #publishing}) it follows DynamoRunRepository's publication
 * path: a run that stored records finishes loading into PUBLISHING (or REVIEW when its dataset asks for review) and
 * takes its load outcome when publishing finishes; without them a loaded run takes its outcome at once (the use
 * cases under test publish nothing). Not thread-safe beyond its synchronized methods; for use-case tests.
 */
public final class InMemoryRunRepository implements RunRepository, DatasetRuns, RecoveryRepository, PublishRuns {
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private final Map<String, Map<Integer, String>> plans = new HashMap<>();
    private final Map<String, Map<Integer, ChunkMessage>> planMessages = new HashMap<>();
    private final Map<String, Set<Integer>> counted = new HashMap<>();
    private final Map<String, String> chunkFailures = new HashMap<>();
    private final List<String> noted = new ArrayList<>();
    private final Clock clock;
    private final Function<String, PublishSettings> publishSettings;
    /** The publish settings the splitter read, by run; a redrive drops a run's. */
    private final Map<String, PublishSettings> publishAsSplit = new HashMap<>();

    /** Loaded runs take their outcome at once (no publishing). */
    public InMemoryRunRepository() {
        this(Clock.systemUTC());
    }

    /** @param clock stamps the time a run finished; loaded runs take their outcome at once (no publishing) */
    public InMemoryRunRepository(Clock clock) {
        this(clock, null);
    }

    private InMemoryRunRepository(Clock clock, Function<String, PublishSettings> publishSettings) {
        this.clock = clock;
        this.publishSettings = publishSettings;
    }

    /**
     * Runs that go through PUBLISHING (or REVIEW) as on DynamoDB.
     *
     * @param publishSettings the publish settings of a dataset by id, read when a run that stored records finishes
     */
    public static InMemoryRunRepository publishing(Clock clock, Function<String, PublishSettings> publishSettings) {
        return new InMemoryRunRepository(clock, Objects.requireNonNull(publishSettings));
    }

    /** Puts a run as it is, whatever its status (a test's starting point). */
    public synchronized void put(Run run) {
        runs.put(run.runId(), run);
    }

    /** The run as the table now holds it; fails the test when there is none. */
    public synchronized Run get(String runId) {
        Run run = runs.get(runId);
        if (run == null) {
            throw new AssertionError("no run " + runId);
        }
        return run;
    }

    public synchronized List<Run> all() {
        return List.copyOf(runs.values());
    }

    /** The chunk numbers planned for the run, in the order they were recorded. */
    public synchronized List<Integer> plannedChunks(String runId) {
        return List.copyOf(plans.getOrDefault(runId, Map.of()).keySet());
    }

    /** Failures noted on runs that kept loading, as "runId CODE". */
    public synchronized List<String> notedFailures() {
        return List.copyOf(noted);
    }

    /** Newest first (then by id); the cursor is how many runs came before the page. */
    @Override
    public synchronized RunPage runsOf(String datasetId, int limit, String cursor) {
        List<Run> all = runs.values().stream().filter(r -> datasetId.equals(r.datasetId()))
                .sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::runId).reversed()).toList();
        int from;
        try {
            from = cursor == null ? 0 : Integer.parseInt(cursor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a cursor of this listing", e);
        }
        int to = Math.min(all.size(), from + limit);
        return new RunPage(all.subList(Math.min(from, to), to),
                to < all.size() ? Optional.of(Integer.toString(to)) : Optional.empty());
    }

    @Override
    public synchronized boolean deleteRun(String runId) {
        plans.remove(runId);
        counted.remove(runId);
        return runs.remove(runId) != null;
    }

    @Override
    public synchronized boolean create(Run run) {
        return runs.putIfAbsent(run.runId(), run) == null;
    }

    @Override
    public synchronized Optional<Run> find(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    @Override
    public synchronized List<Run> listByOwner(String owner, int limit) {
        return runs.values().stream().filter(r -> owner.equals(r.owner()))
                .sorted(Comparator.comparing(Run::createdAt).reversed()).limit(limit).toList();
    }

    @Override
    public synchronized List<Run> listRecent(int limit) {
        return runs.values().stream()
                .sorted(Comparator.comparing(Run::updatedAt).reversed().thenComparing(Run::runId))
                .limit(limit).toList();
    }

    @Override
    public synchronized Optional<Run> startSplitting(String runId, ObjectVersion version, long bytesTotal) {
        Run run = runs.get(runId);
        if (run == null) {
            return Optional.empty();
        }
        boolean waiting = run.status() == RunStatus.CREATED || run.status() == RunStatus.RECEIVED;
        boolean retried = run.status() == RunStatus.SPLITTING && version.eTag() != null
                && version.eTag().equals(run.objectETag());
        if (!waiting && !retried) {
            return Optional.empty();
        }
        Run splitting = new Builder(run).status(RunStatus.SPLITTING).bytesTotal(bytesTotal)
                .object(version.eTag(), version.versionId()).build();
        runs.put(runId, splitting);
        return Optional.of(splitting);
    }

    @Override
    public synchronized void recordFileFacts(String runId, Run.FileFacts facts) {
        runs.computeIfPresent(runId, (id, run) -> new Builder(run).fileFacts(facts).build());
    }

    @Override
    public synchronized void recordPlannedChunks(String runId, List<ChunkMessage> chunks) {
        Map<Integer, String> plan = plans.computeIfAbsent(runId, id -> new LinkedHashMap<>());
        chunks.forEach(chunk -> plan.put(chunk.chunkNo(), chunk.fingerprint()));
        Map<Integer, ChunkMessage> messages = planMessages.computeIfAbsent(runId, id -> new TreeMap<>());
        chunks.forEach(chunk -> messages.put(chunk.chunkNo(), chunk));
    }

    @Override
    public synchronized void recordSplitProgress(String runId, long recordsPlanned, int chunksPlanned) {
        runs.computeIfPresent(runId, (id, run) -> new Builder(run)
                .records(Math.max(run.records(), recordsPlanned))
                .chunksPlanned(Math.max(run.chunksPlanned(), chunksPlanned)).build());
    }

    @Override
    public synchronized Optional<RunStatus> finishSplittingAndComplete(String runId, long records, int chunks,
            PublishSettings publish) {
        if (!finishSplitting(runId, records, chunks)) {
            return Optional.empty();
        }
        publishAsSplit.put(runId, publish);
        return finishIfComplete(runId);
    }

    @Override
    public synchronized boolean finishSplitting(String runId, long records, int chunks) {
        Run run = runs.get(runId);
        if (run == null || run.status() != RunStatus.SPLITTING) {
            return false;
        }
        runs.put(runId, new Builder(run).status(RunStatus.LOADING).records(records).chunksTotal(chunks)
                .chunksPlanned(Math.max(run.chunksPlanned(), chunks)).build());
        return true;
    }

    @Override
    public synchronized boolean fail(String runId, String code, String message) {
        Run run = runs.get(runId);
        if (run == null || run.status().isFinal()) {
            return false;
        }
        runs.put(runId, new Builder(run).status(RunStatus.FAILED).failure(code, message).finished(clock.instant())
                .build());
        return true;
    }

    @Override
    public synchronized void noteFailure(String runId, String code, String message) {
        noted.add(runId + " " + code);
        runs.computeIfPresent(runId, (id, run) -> run.failureCode() != null ? run
                : new Builder(run).failure(code, message).build());
    }

    @Override
    public synchronized RunAndPlan findWithPlan(String runId, int chunkNo) {
        return new RunAndPlan(find(runId),
                Optional.ofNullable(plans.getOrDefault(runId, Map.of()).get(chunkNo)));
    }

    @Override
    public synchronized boolean countChunk(String runId, int chunkNo, int stored, int rejected, long bytes) {
        if (!countable(runId, chunkNo)) {
            return false;
        }
        Run run = runs.get(runId);
        runs.put(runId, new Builder(run).stored(run.stored() + stored).errors(run.errors() + rejected)
                .chunksDone(run.chunksDone() + 1).bytesDone(run.bytesDone() + bytes).build());
        return true;
    }

    @Override
    public synchronized boolean countDeadChunk(String runId, Run.DeadChunk deadChunk, long bytes) {
        if (!countable(runId, deadChunk.chunkNo())) {
            return false;
        }
        Run run = runs.get(runId);
        List<Run.DeadChunk> dead = new ArrayList<>(run.deadChunks());
        dead.add(deadChunk);
        runs.put(runId, new Builder(run).errors(run.errors() + deadChunk.recordCount())
                .chunksDead(run.chunksDead() + 1).deadChunks(dead).bytesDone(run.bytesDone() + bytes).build());
        return true;
    }

    /** The counting condition: a planned chunk of a run that takes chunks, not counted before (then marked). */
    private boolean countable(String runId, int chunkNo) {
        Run run = runs.get(runId);
        boolean accepts = run != null && (run.status().acceptsChunks() || run.status() == RunStatus.CANCELLED);
        if (!accepts || chunkNo > run.chunksPlanned()
                || !plans.getOrDefault(runId, Map.of()).containsKey(chunkNo)) {
            return false;
        }
        return counted.computeIfAbsent(runId, id -> new LinkedHashSet<>()).add(chunkNo);
    }

    @Override
    public synchronized void recordChunkFailure(String runId, int chunkNo, String reason) {
        chunkFailures.put(runId + "#" + chunkNo, reason);
    }

    @Override
    public synchronized Optional<String> lastChunkFailure(String runId, int chunkNo) {
        return Optional.ofNullable(chunkFailures.get(runId + "#" + chunkNo));
    }

    @Override
    public synchronized Optional<RunStatus> finishIfComplete(String runId) {
        Run run = runs.get(runId);
        if (run == null || run.status() != RunStatus.LOADING || run.chunksTotal() == null
                || run.chunksDone() + run.chunksDead() < run.chunksTotal()) {
            return Optional.empty();
        }
        RunStatus outcome = run.errors() > 0 || run.chunksDead() > 0 ? RunStatus.PARTIAL : RunStatus.SUCCEEDED;
        if (publishSettings != null && run.stored() > 0 && run.datasetId() != null) {
            // As the Dynamo store: by the settings the splitter left on the run, else the dataset's now.
            PublishSettings settings = publishAsSplit.containsKey(runId) ? publishAsSplit.get(runId)
                    : publishSettings.apply(run.datasetId());
            RunStatus next = settings.review() ? RunStatus.REVIEW : RunStatus.PUBLISHING;
            Publication earlier = run.publication();
            // Entering REVIEW drops an earlier publication's counts (a redriven run), as the Dynamo update does.
            runs.put(runId, new Builder(run).status(next).publication(new Publication(outcome,
                    settings.strategy().wireName(), next == RunStatus.REVIEW ? null : earlier.counts(),
                    earlier.publishedAt(), earlier.rolledBackAt(), earlier.rollback())).build());
            return Optional.of(next);
        }
        runs.put(runId, new Builder(run).status(outcome).finished(clock.instant()).build());
        return Optional.of(outcome);
    }

    @Override
    public synchronized boolean recordReview(String runId, String strategy, PublishCounts counts) {
        Run run = runs.get(runId);
        if (run == null || run.status() != RunStatus.REVIEW) {
            return false;
        }
        Publication p = run.publication();
        runs.put(runId, new Builder(run).publication(new Publication(p.outcome(), strategy, counts, p.publishedAt(),
                p.rolledBackAt(), p.rollback())).build());
        return true;
    }

    @Override
    public synchronized boolean startPublishing(String runId) {
        Run run = runs.get(runId);
        if (run == null || run.status() != RunStatus.REVIEW) {
            return false;
        }
        runs.put(runId, new Builder(run).status(RunStatus.PUBLISHING).build());
        return true;
    }

    @Override
    public synchronized boolean finishPublishing(String runId, String strategy, PublishCounts counts,
            Instant publishedAt) {
        Run run = runs.get(runId);
        if (run == null || run.status() != RunStatus.PUBLISHING) {
            return false;
        }
        Publication p = run.publication();
        RunStatus outcome = p.outcome() == null ? RunStatus.SUCCEEDED : p.outcome();
        runs.put(runId, new Builder(run).status(outcome).finished(clock.instant()).publication(new Publication(
                p.outcome(), strategy, counts, publishedAt, p.rolledBackAt(), p.rollback())).build());
        return true;
    }

    @Override
    public synchronized boolean discard(String runId, String message) {
        Run run = runs.get(runId);
        if (run == null || run.status() != RunStatus.REVIEW) {
            return false;
        }
        runs.put(runId, new Builder(run).status(RunStatus.CANCELLED).failure("DISCARDED", message)
                .finished(clock.instant()).build());
        return true;
    }

    @Override
    public synchronized boolean markRolledBack(String runId, RollbackReport rollback, Instant rolledBackAt) {
        Run run = runs.get(runId);
        if (run == null || run.status() != RunStatus.SUCCEEDED && run.status() != RunStatus.PARTIAL
                || run.publication().publishedAt() == null) {
            return false;
        }
        Publication p = run.publication();
        runs.put(runId, new Builder(run).status(RunStatus.ROLLED_BACK).publication(new Publication(p.outcome(),
                p.strategy(), p.counts(), p.publishedAt(), rolledBackAt, rollback)).build());
        return true;
    }

    @Override
    public synchronized List<Run> publishingBefore(Instant cutoff, int limit) {
        return runs.values().stream().filter(r -> r.status() == RunStatus.PUBLISHING
                && r.updatedAt().isBefore(cutoff)).limit(limit).toList();
    }

    @Override
    public synchronized List<Run> createdBefore(Instant cutoff, int limit) {
        return runs.values().stream().filter(r -> r.status() == RunStatus.CREATED && r.createdAt().isBefore(cutoff))
                .sorted(Comparator.comparing(Run::createdAt)).limit(limit).toList();
    }

    @Override
    public synchronized boolean expire(String runId, String code, String message) {
        Run run = runs.get(runId);
        if (run == null || run.status() != RunStatus.CREATED) {
            return false;
        }
        runs.put(runId, new Builder(run).status(RunStatus.EXPIRED).failure(code, message).finished(clock.instant())
                .build());
        return true;
    }

    @Override
    public synchronized List<ChunkMessage> plannedMessages(String runId) {
        return List.copyOf(planMessages.getOrDefault(runId, Map.of()).values());
    }

    @Override
    public synchronized Set<Integer> countedChunks(String runId) {
        return new TreeSet<>(counted.getOrDefault(runId, Set.of()));
    }

    @Override
    public synchronized boolean cancel(String runId, String code, String message) {
        Run run = runs.get(runId);
        if (run == null || run.status().isFinal() || run.status() == RunStatus.PUBLISHING) {
            return false;
        }
        runs.put(runId, new Builder(run).status(RunStatus.CANCELLED).failure(code, message)
                .finished(clock.instant()).build());
        return true;
    }

    @Override
    public synchronized boolean reopenDeadChunks(String runId, List<Run.DeadChunk> dead, long bytes) {
        Run run = runs.get(runId);
        if (run == null || run.status() != RunStatus.PARTIAL || run.chunksDead() != dead.size()) {
            return false;
        }
        dead.forEach(chunk -> counted.getOrDefault(runId, new LinkedHashSet<>()).remove(chunk.chunkNo()));
        long records = dead.stream().mapToLong(Run.DeadChunk::recordCount).sum();
        Builder reopened = new Builder(run).errors(run.errors() - records).chunksDead(0).deadChunks(List.of())
                .bytesDone(run.bytesDone() - bytes).finished(null);
        reopened.status = RunStatus.LOADING;
        runs.put(runId, reopened.build());
        publishAsSplit.remove(runId);
        return true;
    }

    @Override
    public synchronized List<Run> waitingForFile(Instant cutoff, int limit) {
        return runs.values().stream().filter(r -> (r.status() == RunStatus.CREATED
                || r.status() == RunStatus.RECEIVED) && r.updatedAt().isBefore(cutoff)).limit(limit).toList();
    }

    @Override
    public synchronized List<Run> createdSince(String owner, Instant since, int limit) {
        return runs.values().stream().filter(r -> owner.equals(r.owner()) && !r.createdAt().isBefore(since))
                .sorted(Comparator.comparing(Run::createdAt).reversed()).limit(limit).toList();
    }

    /** A changed copy of a run (the record has 28 components; this names the ones the table changes). */
    private static final class Builder {
        private final Run run;
        private RunStatus status;
        private long records;
        private long stored;
        private long errors;
        private Integer chunksTotal;
        private int chunksPlanned;
        private int chunksDone;
        private int chunksDead;
        private List<Run.DeadChunk> deadChunks;
        private Run.FileFacts fileFacts;
        private String failureCode;
        private String failureMessage;
        private long bytesTotal;
        private long bytesDone;
        private String eTag;
        private String versionId;
        private Instant finishedAt;
        private Publication publication;

        Builder(Run run) {
            this.run = run;
            status = run.status();
            records = run.records();
            stored = run.stored();
            errors = run.errors();
            chunksTotal = run.chunksTotal();
            chunksPlanned = run.chunksPlanned();
            chunksDone = run.chunksDone();
            chunksDead = run.chunksDead();
            deadChunks = run.deadChunks();
            fileFacts = run.fileFacts();
            failureCode = run.failureCode();
            failureMessage = run.failureMessage();
            bytesTotal = run.bytesTotal();
            bytesDone = run.bytesDone();
            eTag = run.objectETag();
            versionId = run.objectVersionId();
            finishedAt = run.finishedAt();
            publication = run.publication();
        }

        Builder status(RunStatus value) {
            if (value != status && !status.canMoveTo(value)
                    && !(status == RunStatus.CREATED && value == RunStatus.SPLITTING)) {
                throw new AssertionError("run " + run.runId() + " cannot move from " + status + " to " + value);
            }
            status = value;
            return this;
        }

        Builder records(long value) {
            records = value;
            return this;
        }

        Builder stored(long value) {
            stored = value;
            return this;
        }

        Builder errors(long value) {
            errors = value;
            return this;
        }

        Builder chunksTotal(int value) {
            chunksTotal = value;
            return this;
        }

        Builder chunksPlanned(int value) {
            chunksPlanned = value;
            return this;
        }

        Builder chunksDone(int value) {
            chunksDone = value;
            return this;
        }

        Builder chunksDead(int value) {
            chunksDead = value;
            return this;
        }

        Builder deadChunks(List<Run.DeadChunk> value) {
            deadChunks = value;
            return this;
        }

        Builder fileFacts(Run.FileFacts value) {
            fileFacts = value;
            return this;
        }

        Builder failure(String code, String message) {
            failureCode = code;
            failureMessage = message;
            return this;
        }

        Builder bytesTotal(long value) {
            bytesTotal = value;
            return this;
        }

        Builder bytesDone(long value) {
            bytesDone = value;
            return this;
        }

        Builder object(String objectETag, String objectVersionId) {
            eTag = objectETag;
            versionId = objectVersionId;
            return this;
        }

        Builder finished(Instant now) {
            finishedAt = now;
            return this;
        }

        Builder publication(Publication value) {
            publication = value;
            return this;
        }

        Run build() {
            return new Run(run.runId(), run.owner(), run.datasetId(), run.fileName(), run.bucket(), run.key(),
                    run.source(), status, run.contentLength(), run.createdAt(), run.updatedAt(), finishedAt, records,
                    stored, errors, chunksTotal, chunksPlanned, chunksDone, chunksDead, deadChunks,
                    run.requestedMapping(), fileFacts, failureCode, failureMessage, bytesTotal, bytesDone, eTag,
                    versionId, run.upload(), run.rerun(), publication);
        }
    }
}
