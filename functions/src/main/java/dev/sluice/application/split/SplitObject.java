package dev.sluice.application.split;

import dev.sluice.application.port.ChunkSender;
import dev.sluice.application.port.ObjectStore;
import dev.sluice.application.port.ObjectStore.ObjectChangedException;
import dev.sluice.application.port.PipelineMetrics;
import dev.sluice.application.port.RunRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.chunk.PlanSummary;
import dev.sluice.domain.chunk.PlannedChunk;
import dev.sluice.domain.csv.FileProfile;
import dev.sluice.domain.csv.FileRejectedException;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.Mapping;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.Run.RunSource;
import dev.sluice.domain.run.RunStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The splitter use case: one streaming pass over an uploaded object. Profiles the first MiB (encoding,
 * delimiter, header, mapping, number style), then scans the rest with the chunk planner and sends chunk
 * messages in batches while it streams, so loaders start before the scan ends.
 */
public final class SplitObject {
    /** Chunk messages go out ten at a time, SendMessageBatch's limit; each batch is planned and counted first. */
    private static final int CHUNKS_PER_SEND = 10;

    private final ObjectStore objects;
    private final RunRepository runs;
    private final ChunkSender chunks;
    private final SplitLimits limits;
    private final PipelineMetrics metrics;
    private final Clock clock;

    /** How big chunks and files may be. */
    public record SplitLimits(long targetChunkBytes, int maxRecordsPerChunk, long maxFileBytes) {
    }

    /** What happened to one notification. */
    public enum Outcome {
        SPLIT,
        FAILED,
        /** A repeated notification for a run that is already loading or finished. */
        SKIPPED_DUPLICATE,
        /** A notification for another version of the object of a run that has started on its first one. */
        SKIPPED_OTHER_VERSION,
        /** A notification for a run that no longer waits for its file (expired, cancelled). */
        SKIPPED_NOT_AWAITING,
        IGNORED
    }

    /**
     * What one notification did, to which run (null when the object belongs to no run), and the run's failure code
     * when it ended FAILED now.
     */
    public record Result(Outcome outcome, String runId, Optional<String> failureCode) {
        Result(Outcome outcome, String runId) {
            this(outcome, runId, Optional.empty());
        }
    }

    public SplitObject(ObjectStore objects, RunRepository runs, ChunkSender chunks, SplitLimits limits,
            PipelineMetrics metrics, Clock clock) {
        this.objects = objects;
        this.metrics = metrics;
        this.runs = runs;
        this.chunks = chunks;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Splits the object named by one notification. On the last delivery attempt a failure ends the run as FAILED
     * instead of leaving it SPLITTING forever; earlier failures are rethrown so SQS delivers the event again.
     */
    public Result split(S3ObjectEvent event, boolean lastAttempt) {
        Optional<String> runId = runFor(event);
        if (runId.isEmpty()) {
            return new Result(Outcome.IGNORED, null);
        }
        try {
            return split(event, runId.get());
        } catch (RuntimeException e) {
            if (!lastAttempt) {
                throw e;
            }
            return failed(runId.get(), "SPLIT_FAILED", "The file could not be read after repeated attempts ("
                    + e.getClass().getSimpleName() + "). Re-upload it or ask an operator to check the logs.");
        }
    }

    /** Ends the run FAILED with a reason the user can act on. */
    private Result failed(String runId, String code, String message) {
        if (runs.fail(runId, code, message)) {
            metrics.runFinished(RunStatus.FAILED);
        }
        return new Result(Outcome.FAILED, runId, Optional.of(code));
    }

    private Result split(S3ObjectEvent event, String runId) {
        Optional<Run> splitting = runs.startSplitting(runId, event.version(), event.size());
        if (splitting.isEmpty()) {
            return new Result(whyNotSplit(event, runId), runId);
        }
        Run run = splitting.get();
        metrics.runStarted();
        if (event.size() > limits.maxFileBytes()) {
            return failed(run.runId(), "FILE_TOO_LARGE", "File '" + run.fileName() + "' is " + event.size()
                    + " bytes; the limit is " + limits.maxFileBytes() + " bytes.");
        }
        // Read with If-Match on the notification's ETag: the split is of exactly that version, or of nothing.
        try (InputStream in = objects.open(event.bucket(), event.key(), event.version())) {
            return splitStream(run, event, in);
        } catch (ObjectChangedException e) {
            // Permanent: retrying would read another file than the one this run was created for.
            return failed(run.runId(), "FILE_CHANGED", "File '" + run.fileName() + "' was replaced or deleted while "
                    + "it was being split, so this run cannot read the file it started with. Nothing was imported "
                    + "from it; import the current file as a new run.");
        } catch (IOException e) {
            throw new UncheckedIOException("reading s3://" + event.bucket() + "/" + event.key(), e);
        }
    }

    /**
     * The split of a run starts once, on the first object version that arrives; a later notification is dropped. A
     * second PUT to the run's key (where the store ignored If-None-Match) therefore never gets the run re-split.
     */
    private Outcome whyNotSplit(S3ObjectEvent event, String runId) {
        Optional<Run> run = runs.find(runId);
        if (run.isEmpty()) {
            return Outcome.IGNORED;
        }
        if (run.get().status() == RunStatus.EXPIRED || run.get().status() == RunStatus.CANCELLED) {
            return Outcome.SKIPPED_NOT_AWAITING;
        }
        String started = run.get().objectETag();
        return started != null && !started.equals(event.eTag()) ? Outcome.SKIPPED_OTHER_VERSION
                : Outcome.SKIPPED_DUPLICATE;
    }

    private Result splitStream(Run run, S3ObjectEvent event, InputStream in) throws IOException {
        BatchingSink[] sink = new BatchingSink[1];
        PlanSummary summary;
        try {
            summary = ObjectScan.scan(in, requestedMapping(run), limits.targetChunkBytes(),
                    limits.maxRecordsPerChunk(), profile -> {
                        runs.recordFileFacts(run.runId(), facts(profile));
                        sink[0] = new BatchingSink(run, event, profile);
                        return sink[0];
                    });
        } catch (FileRejectedException e) {
            return failed(run.runId(), e.code(), "File '" + run.fileName() + "': " + e.getMessage());
        }
        sink[0].flush();
        if (runs.finishSplitting(run.runId(), summary.records(), summary.chunks())) {
            runs.finishIfComplete(run.runId()).ifPresent(metrics::runFinished);
        }
        return new Result(Outcome.SPLIT, run.runId());
    }

    private Optional<String> runFor(S3ObjectEvent event) {
        String[] parts = event.key().split("/", 4);
        if (parts.length == 4 && parts[0].equals("uploads")) {
            // uploads/{owner}/{runId}/{fileName}: the run was created by POST /api/uploads.
            return runs.find(parts[2]).map(Run::runId);
        }
        if (parts.length >= 3 && parts[0].equals("drop") && !event.key().endsWith("/")) {
            String partner = parts[1];
            String fileName = event.key().substring(event.key().lastIndexOf('/') + 1);
            // The same notification delivered twice must name the same run: derive its id from the object.
            String identity = event.bucket() + "/" + event.key() + "/" + event.sequencer() + "/" + event.eTag();
            String runId = UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString();
            runs.create(Run.created(runId, "partner:" + partner, partner, fileName, event.bucket(), event.key(),
                    RunSource.DROP, RunStatus.RECEIVED, event.size(), Map.of(), clock.instant()));
            return Optional.of(runId);
        }
        return Optional.empty();
    }

    private static Mapping requestedMapping(Run run) {
        if (run.requestedMapping().isEmpty()) {
            return null;
        }
        Map<CanonicalField, String> columns = new EnumMap<>(CanonicalField.class);
        run.requestedMapping().forEach((field, header) -> CanonicalField.byFieldName(field)
                .ifPresent(f -> columns.put(f, header)));
        return new Mapping(columns);
    }

    private static Run.FileFacts facts(FileProfile profile) {
        Map<String, String> mapping = new LinkedHashMap<>();
        profile.mapping().columns().forEach((field, header) -> mapping.put(field.fieldName(), header));
        char delimiter = profile.dialect().delimiter();
        return new Run.FileFacts(profile.dialect().encoding(), delimiter == '\t' ? "\\t" : String.valueOf(delimiter),
                profile.numberStyle().name(), mapping, profile.dialect().header());
    }

    /** Collects planned chunks into SQS batches and sends each batch as soon as it is full. */
    private final class BatchingSink implements Consumer<PlannedChunk> {
        private final Run run;
        private final S3ObjectEvent event;
        private final FileProfile profile;
        private final List<ChunkMessage> batch = new ArrayList<>();
        private long recordsPlanned;
        private int chunksPlanned;
        private long lastFlushMillis = clock.millis();

        BatchingSink(Run run, S3ObjectEvent event, FileProfile profile) {
            this.run = run;
            this.event = event;
            this.profile = profile;
        }

        @Override
        public void accept(PlannedChunk planned) {
            batch.add(planned.toMessage(run.runId(), run.datasetId(), event.bucket(), event.key(), profile.dialect(),
                    profile.mapping(), profile.numberStyle(), event.eTag(), event.versionId()));
            recordsPlanned += planned.recordCount();
            chunksPlanned = planned.chunkNo();
            // The first chunk goes out alone so a loader starts at once; then full batches, or whatever is
            // waiting once a second when the object streams in slowly.
            if (batch.size() == CHUNKS_PER_SEND || chunksPlanned == 1 || clock.millis() - lastFlushMillis > 1000) {
                flush();
            }
        }

        void flush() {
            if (batch.isEmpty()) {
                return;
            }
            // The plan and the progress are written before the chunks go out, so a loader that receives a chunk at
            // once finds it planned (and its number within chunksPlanned, which the counting condition checks).
            runs.recordPlannedChunks(run.runId(), batch);
            runs.recordSplitProgress(run.runId(), recordsPlanned, chunksPlanned);
            chunks.send(List.copyOf(batch));
            batch.clear();
            lastFlushMillis = clock.millis();
        }
    }
}
