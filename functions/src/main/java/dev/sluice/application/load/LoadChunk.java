package dev.sluice.application.load;

import dev.sluice.application.port.ObjectStore;
import dev.sluice.application.port.ObjectStore.ObjectChangedException;
import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.application.port.PipelineMetrics;
import dev.sluice.application.port.PublishSender;
import dev.sluice.application.port.RecordRepository;
import dev.sluice.application.port.RecordRepository.LedgerEntry;
import dev.sluice.application.port.RunRepository;
import dev.sluice.application.port.RunRepository.Counted;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.domain.validation.ChunkOutcome;
import dev.sluice.domain.validation.ChunkReader;
import dev.sluice.domain.validation.RecordSink;
import dev.sluice.domain.validation.RowErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The loader use case. Only a chunk the splitter planned, for a run that still takes chunks, is loaded or counted
 * (see {@link ChunkAdmission}); anything else is dropped with its reason. Exactly-once effects over at-least-once
 * delivery: the chunk's records and its ledger row commit in one PostgreSQL transaction (a repeat finds the ledger
 * row and writes nothing), and the run's counters move in one conditional DynamoDB update that adds the chunk to the
 * run's set of counted chunks (a repeat finds it there). Metrics follow the same transitions: a chunk's records are
 * reported when it is counted now, its load time when it is written now, a run's end when it finishes now.
 */
public final class LoadChunk {
    private final ObjectStore objects;
    private final RunRepository runs;
    private final RecordRepository records;
    private final PipelineMetrics metrics;

    /** What one delivery did. */
    public enum Outcome {
        /** Loaded now, or found in the ledger from an earlier delivery; counted once either way. */
        LOADED,
        /** The object is not the version the chunk was planned on: the chunk was declared dead at once. */
        FILE_CHANGED,
        /** Declared dead after its delivery attempts ran out (ChunkDLQ), now or before this delivery. */
        DEAD,
        /** Not a planned chunk of a run that takes chunks: nothing written, nothing counted. */
        DROPPED
    }

    /**
     * What one delivery did. {@code entry} is null for a dropped chunk, and {@code dropReason} says why it was
     * dropped (empty otherwise). {@code errorCodes} counts the row errors this delivery created, by code: those of
     * the chunk's rejected records when it was written now, CHUNK_FAILED for each record when a dead chunk was
     * counted now, none otherwise (a repeat adds no errors).
     */
    public record Result(Outcome outcome, LedgerEntry entry, boolean loadedNow, boolean countedNow,
            Optional<RunStatus> finished, Timings timings, Optional<String> dropReason,
            Map<RowErrorCode, Integer> errorCodes) {
        static Result dropped(String reason) {
            return new Result(Outcome.DROPPED, null, false, false, Optional.empty(), new Timings(0, 0),
                    Optional.of(reason), Map.of());
        }
    }

    /**
     * Where one delivery spent its time, in milliseconds (logged with every chunk for operators): the streaming
     * transaction (ledger row, ranged GET, parse, COPY) and counting in DynamoDB.
     */
    public record Timings(long writeMillis, long countMillis) {
    }

    private final PublishSender publish;

    /** A loader whose finished runs are published by someone else (or, in tests, not at all). */
    public LoadChunk(ObjectStore objects, RunRepository runs, RecordRepository records, PipelineMetrics metrics) {
        this(objects, runs, records, metrics, PublishSender.NONE);
    }

    /** @param publish where the run's publish message goes when its last chunk moves it to PUBLISHING or REVIEW */
    public LoadChunk(ObjectStore objects, RunRepository runs, RecordRepository records, PipelineMetrics metrics,
            PublishSender publish) {
        this.objects = objects;
        this.runs = runs;
        this.records = records;
        this.metrics = metrics;
        this.publish = publish;
    }

    /** Loads a chunk unless the ledger has it already (then only counts it, which is idempotent too). */
    public Result load(ChunkMessage chunk) {
        RunRepository.RunAndPlan found = runs.findWithPlan(chunk.runId(), chunk.chunkNo());
        Optional<String> refusal = ChunkAdmission.refusal(chunk, found);
        if (refusal.isPresent()) {
            sendPublishAgain(found.run());
            return Result.dropped(refusal.get());
        }
        long started = System.nanoTime();
        AtomicReference<Map<RowErrorCode, Integer>> errorCodes = new AtomicReference<>(Map.of());
        RecordRepository.LoadResult loaded;
        try {
            loaded = records.load(chunk, chunk.datasetId(), sink -> parse(chunk, sink, errorCodes::set));
        } catch (RuntimeException e) {
            Optional<ObjectChangedException> changed = objectChanged(e);
            if (changed.isEmpty()) {
                throw e;
            }
            return fileChanged(chunk, found, changed.get());
        }
        long written = System.nanoTime();
        long writeMillis = (written - started) / 1_000_000;
        if (loaded.loadedNow()) {
            metrics.chunkWritten(writeMillis);
        }
        Counted counted = count(chunk, found, loaded.entry(), "declared dead before this delivery");
        long done = System.nanoTime();
        Timings timings = new Timings(writeMillis, (done - written) / 1_000_000);
        // Only the delivery that wrote the chunk saw its row errors; a repeat that found the ledger reports none.
        return switch (loaded.outcome()) {
            case LOADED_NOW -> new Result(Outcome.LOADED, loaded.entry(), true, counted.countedNow(),
                    counted.finished(), timings, Optional.empty(), errorCodes.get());
            case ALREADY_LOADED -> new Result(Outcome.LOADED, loaded.entry(), false, counted.countedNow(),
                    counted.finished(), timings, Optional.empty(), Map.of());
            case ALREADY_DEAD -> new Result(Outcome.DEAD, loaded.entry(), false, counted.countedNow(),
                    counted.finished(), timings, Optional.empty(), deadErrorCodes(loaded.entry(), counted));
        };
    }

    /** Reads the chunk into the sink; {@code errorCodes} gets its row errors by code once the read is complete. */
    private int parse(ChunkMessage chunk, RecordSink sink, Consumer<Map<RowErrorCode, Integer>> errorCodes) {
        ObjectVersion version = new ObjectVersion(chunk.eTag(), chunk.versionId());
        try (InputStream bytes = objects.openRange(chunk.bucket(), chunk.key(), version, chunk.startByte(),
                chunk.endByte())) {
            ErrorCodeTally tally = new ErrorCodeTally(sink);
            ChunkOutcome outcome = ChunkReader.read(bytes, chunk, tally);
            errorCodes.accept(tally.counts());
            if (outcome.records() != chunk.recordCount()) {
                throw new IllegalStateException("chunk " + chunk.chunkNo() + " of run " + chunk.runId() + " held "
                        + outcome.records() + " records, the splitter planned " + chunk.recordCount());
            }
            return outcome.records();
        } catch (IOException e) {
            throw new UncheckedIOException("reading chunk " + chunk.chunkNo() + " of s3://" + chunk.bucket() + "/"
                    + chunk.key(), e);
        }
    }

    private static Optional<ObjectChangedException> objectChanged(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ObjectChangedException changed) {
                return Optional.of(changed);
            }
        }
        return Optional.empty();
    }

    /**
     * The run's file was overwritten or deleted after it was split. No retry can read the planned bytes again, so
     * instead of failing five deliveries (up to an hour with ChunkQueue's visibility timeout) the chunk is declared
     * dead now: its records become row errors, the run notes FILE_CHANGED and still ends (PARTIAL) with every record
     * accounted for. Chunks read before the change keep what they loaded: those bytes were the planned version.
     */
    private Result fileChanged(ChunkMessage chunk, RunRepository.RunAndPlan found, ObjectChangedException changed) {
        String reason = "FILE_CHANGED: the file changed after it was split (" + changed.getMessage() + ")";
        runs.noteFailure(chunk.runId(), "FILE_CHANGED", "The file was replaced or deleted while this run was loading "
                + "it. Records read before the change are stored; the records of the chunks that could not be read "
                + "are CHUNK_FAILED row errors. Import the current file as a new run.");
        LedgerEntry entry = records.markDead(chunk, reason);
        Counted counted = count(chunk, found, entry, reason);
        Outcome outcome = entry.dead() ? Outcome.FILE_CHANGED : Outcome.LOADED;
        return new Result(outcome, entry, false, counted.countedNow(), counted.finished(), new Timings(0, 0),
                Optional.empty(), deadErrorCodes(entry, counted));
    }

    /**
     * The dead-chunk use case: a chunk that failed every attempt. If the ledger shows it was in fact loaded (the
     * counting step failed, not the load), it is counted as loaded; otherwise its records become row errors. A
     * message that is not a planned chunk of a run that takes chunks is dropped like on ChunkQueue.
     */
    public Result markDead(ChunkMessage chunk) {
        RunRepository.RunAndPlan found = runs.findWithPlan(chunk.runId(), chunk.chunkNo());
        Optional<String> refusal = ChunkAdmission.refusal(chunk, found);
        if (refusal.isPresent()) {
            sendPublishAgain(found.run());
            return Result.dropped(refusal.get());
        }
        String reason = runs.lastChunkFailure(chunk.runId(), chunk.chunkNo()).orElse("no failure was recorded");
        LedgerEntry entry = records.markDead(chunk, reason);
        Counted counted = count(chunk, found, entry, reason);
        Outcome outcome = entry.dead() ? Outcome.DEAD : Outcome.LOADED;
        return new Result(outcome, entry, false, counted.countedNow(), counted.finished(), new Timings(0, 0),
                Optional.empty(), deadErrorCodes(entry, counted));
    }

    /**
     * A dead chunk's records become CHUNK_FAILED row errors; reported by the delivery that counted it, the one
     * transition that happens once (marking it dead may be repeated by a delivery that then failed to count).
     */
    private static Map<RowErrorCode, Integer> deadErrorCodes(LedgerEntry entry, Counted counted) {
        return counted.countedNow() && entry.dead() && entry.rejected() > 0
                ? Map.of(RowErrorCode.CHUNK_FAILED, entry.rejected()) : Map.of();
    }

    /**
     * Counts the chunk as the ledger has it, loaded or dead, once; then finishes the run if it was the last
     * ({@code found}, the run as this delivery read it first, may let the store do both in one write).
     */
    private Counted count(ChunkMessage chunk, RunRepository.RunAndPlan found, LedgerEntry entry, String deadReason) {
        Counted counted = entry.dead()
                ? runs.countDeadChunkAndFinish(chunk.runId(), new Run.DeadChunk(chunk.chunkNo(), chunk.firstRecord(),
                        chunk.recordCount(), deadReason), chunk.accountedBytes())
                : runs.countChunkAndFinish(found, chunk.runId(), chunk.chunkNo(), entry.stored(), entry.rejected(),
                        chunk.accountedBytes());
        if (counted.countedNow()) {
            metrics.chunkCounted(entry.stored(), entry.rejected());
        }
        Optional<RunStatus> finished = counted.finished();
        finished.filter(RunStatus::isFinal).ifPresent(metrics::runFinished);
        if (finished.filter(status -> status == RunStatus.PUBLISHING || status == RunStatus.REVIEW).isPresent()) {
            publish.send(chunk.runId());
        }
        return counted;
    }

    /**
     * A delivery of a chunk whose run is already PUBLISHING is a redelivery after the run moved, perhaps one whose
     * publish message failed to send: it is sent again (publishing is idempotent, so a duplicate is harmless).
     */
    private void sendPublishAgain(Optional<Run> run) {
        if (run.isPresent() && run.get().status() == RunStatus.PUBLISHING) {
            publish.send(run.get().runId());
        }
    }

    /** Remembers why this attempt failed; the run's dead-chunk entry quotes it. */
    public void recordFailure(ChunkMessage chunk, Throwable failure) {
        String reason = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        runs.recordChunkFailure(chunk.runId(), chunk.chunkNo(), reason);
    }
}
