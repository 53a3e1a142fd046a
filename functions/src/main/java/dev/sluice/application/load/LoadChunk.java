package dev.sluice.application.load;

import dev.sluice.application.port.ObjectStore;
import dev.sluice.application.port.RecordRepository;
import dev.sluice.application.port.RecordRepository.LedgerEntry;
import dev.sluice.application.port.RunRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.domain.validation.ChunkOutcome;
import dev.sluice.domain.validation.ChunkReader;
import dev.sluice.domain.validation.RecordSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The loader use case. Exactly-once effects over at-least-once delivery: the chunk's records and its ledger
 * row commit in one PostgreSQL transaction (a repeat finds the ledger row and writes nothing), and the run's
 * counters are bumped in one DynamoDB transaction with a per-chunk marker (a repeat finds the marker).
 */
public final class LoadChunk {
    private final ObjectStore objects;
    private final RunRepository runs;
    private final RecordRepository records;

    /** What one delivery did. */
    public record Result(LedgerEntry entry, boolean loadedNow, boolean countedNow, Optional<RunStatus> finished,
            Timings timings) {
    }

    /**
     * Where one delivery spent its time, in milliseconds (logged with every chunk for operators): the streaming
     * transaction (ledger row, ranged GET, parse, COPY) and counting in DynamoDB.
     */
    public record Timings(long writeMillis, long countMillis) {
    }

    private record Counted(boolean countedNow, Optional<RunStatus> finished) {
    }

    public LoadChunk(ObjectStore objects, RunRepository runs, RecordRepository records) {
        this.objects = objects;
        this.runs = runs;
        this.records = records;
    }

    /** Loads a chunk unless the ledger has it already (then only counts it, which is idempotent too). */
    public Result load(ChunkMessage chunk) {
        long started = System.nanoTime();
        RecordRepository.LoadResult loaded = records.load(chunk, chunk.datasetId(), sink -> parse(chunk, sink));
        long written = System.nanoTime();
        Counted counted = count(chunk, loaded.entry(), "declared dead before this delivery");
        long done = System.nanoTime();
        return new Result(loaded.entry(), loaded.loadedNow(), counted.countedNow(), counted.finished(),
                new Timings((written - started) / 1_000_000, (done - written) / 1_000_000));
    }

    private int parse(ChunkMessage chunk, RecordSink sink) {
        try (InputStream bytes = objects.openRange(chunk.bucket(), chunk.key(), chunk.startByte(), chunk.endByte())) {
            ChunkOutcome outcome = ChunkReader.read(bytes, chunk, sink);
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

    /**
     * The dead-chunk use case: a chunk that failed every attempt. If the ledger shows it was in fact loaded (the
     * counting step failed, not the load), it is counted as loaded; otherwise its records become row errors.
     */
    public Result markDead(ChunkMessage chunk) {
        String reason = runs.lastChunkFailure(chunk.runId(), chunk.chunkNo()).orElse("no failure was recorded");
        LedgerEntry entry = records.markDead(chunk, reason);
        Counted counted = count(chunk, entry, reason);
        return new Result(entry, false, counted.countedNow(), counted.finished(), new Timings(0, 0));
    }

    /** Counts the chunk as the ledger has it, loaded or dead, once; then finishes the run if it was the last. */
    private Counted count(ChunkMessage chunk, LedgerEntry entry, String deadReason) {
        boolean countedNow = "dead".equals(entry.outcome())
                ? runs.countDeadChunk(chunk.runId(), new Run.DeadChunk(chunk.chunkNo(), chunk.firstRecord(),
                        chunk.recordCount(), deadReason))
                : runs.countChunk(chunk.runId(), chunk.chunkNo(), entry.stored(), entry.rejected());
        return new Counted(countedNow, runs.finishIfComplete(chunk.runId()));
    }

    /** Remembers why this attempt failed; the run's dead-chunk entry quotes it. */
    public void recordFailure(ChunkMessage chunk, Throwable failure) {
        String reason = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        runs.recordChunkFailure(chunk.runId(), chunk.chunkNo(), reason);
    }
}
