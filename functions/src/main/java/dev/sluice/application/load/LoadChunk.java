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
     * Where one delivery spent its time, in milliseconds (logged with every chunk for operators): checking the
     * ledger, reading + parsing + writing in one streaming transaction, and counting in DynamoDB.
     */
    public record Timings(long readMillis, long writeMillis, long countMillis) {
        static final Timings NONE = new Timings(0, 0, 0);
    }

    public LoadChunk(ObjectStore objects, RunRepository runs, RecordRepository records) {
        this.objects = objects;
        this.runs = runs;
        this.records = records;
    }

    public Result load(ChunkMessage chunk) {
        long started = System.nanoTime();
        Optional<LedgerEntry> existing = records.ledgerEntry(chunk.runId(), chunk.chunkNo());
        long read = System.nanoTime();
        LedgerEntry entry;
        boolean loadedNow = false;
        if (existing.isPresent()) {
            entry = existing.get();
        } else {
            RecordRepository.LoadResult loaded = records.load(chunk, chunk.datasetId(), sink -> {
                try (InputStream bytes = objects.openRange(chunk.bucket(), chunk.key(), chunk.startByte(),
                        chunk.endByte())) {
                    ChunkOutcome outcome = ChunkReader.read(bytes, chunk, sink);
                    if (outcome.records() != chunk.recordCount()) {
                        throw new IllegalStateException("chunk " + chunk.chunkNo() + " of run " + chunk.runId()
                                + " held " + outcome.records() + " records, the splitter planned "
                                + chunk.recordCount());
                    }
                    return outcome.records();
                } catch (IOException e) {
                    throw new UncheckedIOException("reading chunk " + chunk.chunkNo() + " of s3://"
                            + chunk.bucket() + "/" + chunk.key(), e);
                }
            });
            entry = loaded.entry();
            loadedNow = loaded.loadedNow();
        }
        long written = System.nanoTime();
        Result result = count(chunk, entry, loadedNow);
        long counted = System.nanoTime();
        return new Result(result.entry(), loadedNow, result.countedNow(), result.finished(), new Timings(
                (read - started) / 1_000_000, (written - read) / 1_000_000, (counted - written) / 1_000_000));
    }

    private Result count(ChunkMessage chunk, LedgerEntry entry, boolean loadedNow) {
        boolean countedNow;
        if ("dead".equals(entry.outcome())) {
            countedNow = runs.countDeadChunk(chunk.runId(), new Run.DeadChunk(chunk.chunkNo(), chunk.firstRecord(),
                    chunk.recordCount(), "declared dead before this delivery"));
        } else {
            countedNow = runs.countChunk(chunk.runId(), chunk.chunkNo(), entry.stored(), entry.rejected());
        }
        return new Result(entry, loadedNow, countedNow, runs.finishIfComplete(chunk.runId()), Timings.NONE);
    }

    /**
     * The dead-chunk use case: a chunk that failed every attempt. If the ledger shows it was in fact loaded (the
     * counting step failed, not the load), it is counted as loaded; otherwise its records become row errors.
     */
    public Result markDead(ChunkMessage chunk) {
        Optional<LedgerEntry> existing = records.ledgerEntry(chunk.runId(), chunk.chunkNo());
        if (existing.isPresent()) {
            return count(chunk, existing.get(), false);
        }
        String reason = runs.lastChunkFailure(chunk.runId(), chunk.chunkNo()).orElse("no failure was recorded");
        LedgerEntry entry = records.markDead(chunk, reason);
        boolean countedNow;
        if ("dead".equals(entry.outcome())) {
            countedNow = runs.countDeadChunk(chunk.runId(), new Run.DeadChunk(chunk.chunkNo(), chunk.firstRecord(),
                    chunk.recordCount(), reason));
        } else {
            countedNow = runs.countChunk(chunk.runId(), chunk.chunkNo(), entry.stored(), entry.rejected());
        }
        return new Result(entry, false, countedNow, runs.finishIfComplete(chunk.runId()), Timings.NONE);
    }

    /** Remembers why this attempt failed; the run's dead-chunk entry quotes it. */
    public void recordFailure(ChunkMessage chunk, Throwable failure) {
        String reason = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        runs.recordChunkFailure(chunk.runId(), chunk.chunkNo(), reason);
    }
}
