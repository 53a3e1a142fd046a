package dev.sluice.application.split;

import dev.sluice.application.port.ChunkSender;
import dev.sluice.application.port.ObjectStore;
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
    /** Chunk messages go out ten at a time, SendMessageBatch's limit; progress is written every fifth batch. */
    private static final int CHUNKS_PER_SEND = 10;
    private static final int BATCHES_PER_PROGRESS_UPDATE = 5;

    private final ObjectStore objects;
    private final RunRepository runs;
    private final ChunkSender chunks;
    private final SplitLimits limits;
    private final Clock clock;

    /** How big chunks and files may be. */
    public record SplitLimits(long targetChunkBytes, int maxRecordsPerChunk, long maxFileBytes) {
    }

    /** What happened to one notification. */
    public enum Outcome { SPLIT, FAILED, SKIPPED_DUPLICATE, IGNORED }

    /** The outcome and the run it concerns (null when the object belongs to no run). */
    public record Result(Outcome outcome, String runId) {
    }

    public SplitObject(ObjectStore objects, RunRepository runs, ChunkSender chunks, SplitLimits limits, Clock clock) {
        this.objects = objects;
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
            return new Result(split(event, runId.get()), runId.get());
        } catch (RuntimeException e) {
            if (!lastAttempt) {
                throw e;
            }
            runs.fail(runId.get(), "SPLIT_FAILED", "The file could not be read after repeated attempts ("
                    + e.getClass().getSimpleName() + "). Re-upload it or ask an operator to check the logs.");
            return new Result(Outcome.FAILED, runId.get());
        }
    }

    private Outcome split(S3ObjectEvent event, String runId) {
        Optional<Run> splitting = runs.startSplitting(runId);
        if (splitting.isEmpty()) {
            // A repeated notification for a run that is already loading or finished.
            return Outcome.SKIPPED_DUPLICATE;
        }
        Run run = splitting.get();
        if (event.size() > limits.maxFileBytes()) {
            runs.fail(run.runId(), "FILE_TOO_LARGE", "File '" + run.fileName() + "' is " + event.size()
                    + " bytes; the limit is " + limits.maxFileBytes() + " bytes.");
            return Outcome.FAILED;
        }
        try (InputStream in = objects.open(event.bucket(), event.key())) {
            return splitStream(run, event, in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading s3://" + event.bucket() + "/" + event.key(), e);
        }
    }

    private Outcome splitStream(Run run, S3ObjectEvent event, InputStream in) throws IOException {
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
            runs.fail(run.runId(), e.code(), "File '" + run.fileName() + "': " + e.getMessage());
            return Outcome.FAILED;
        }
        sink[0].flush();
        if (runs.finishSplitting(run.runId(), summary.records(), summary.chunks())) {
            runs.finishIfComplete(run.runId());
        }
        return Outcome.SPLIT;
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
        private int batchesSinceProgress;
        private long lastFlushMillis = clock.millis();

        BatchingSink(Run run, S3ObjectEvent event, FileProfile profile) {
            this.run = run;
            this.event = event;
            this.profile = profile;
        }

        @Override
        public void accept(PlannedChunk planned) {
            batch.add(planned.toMessage(run.runId(), run.datasetId(), event.bucket(), event.key(), profile.dialect(),
                    profile.mapping(), profile.numberStyle()));
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
            chunks.send(List.copyOf(batch));
            batch.clear();
            lastFlushMillis = clock.millis();
            // The first batch reports at once so the user sees progress within a second of the upload.
            if (batchesSinceProgress++ % BATCHES_PER_PROGRESS_UPDATE == 0) {
                runs.recordSplitProgress(run.runId(), recordsPlanned, chunksPlanned);
            }
        }
    }
}
