package dev.sluice.application.port;

import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.validation.RecordSink;
import java.util.List;
import java.util.Optional;

/** Records, row errors and the chunk ledger (PostgreSQL). */
public interface RecordRepository {

    /** What the ledger says about a chunk that was loaded (or declared dead) before. */
    record LedgerEntry(int chunkNo, String outcome, int stored, int rejected) {
    }

    /**
     * Loads one chunk in one transaction with its ledger row, parsing while it writes: the ledger row is claimed
     * first, then {@code parse} feeds records into the store's bulk load as it reads them. When the ledger row
     * exists already (a repeated or concurrent delivery), {@code parse} is not called, nothing is written and the
     * existing entry is returned with {@code loadedNow = false}.
     */
    LoadResult load(ChunkMessage chunk, String datasetId, ChunkParse parse);

    /** Reads the chunk's records into the sink; returns how many records it read. */
    @FunctionalInterface
    interface ChunkParse {
        int parseInto(RecordSink sink);
    }

    record LoadResult(LedgerEntry entry, boolean loadedNow) {
    }

    /**
     * Writes a CHUNK_FAILED row error for every record of a chunk that could not be loaded, once. When the ledger
     * has the chunk already (loaded after all, or declared dead before), nothing is written and that entry returned.
     */
    LedgerEntry markDead(ChunkMessage chunk, String reason);

    Page<StoredRecord> records(String runId, long afterRecordNo, int limit);

    Page<StoredError> errors(String runId, ErrorCursor after, int limit);

    /** A row error as stored; {@code lineNo} is null for the records of a dead chunk after its first. */
    record StoredError(long recordNo, Long lineNo, String column, String code, String message, String rawExcerpt) {
    }

    record ErrorCursor(long recordNo, int seq) {
        public static final ErrorCursor START = new ErrorCursor(0, 0);
    }

    record Page<T>(List<T> items, Optional<String> nextCursor) {
    }

    record StoredRecord(long recordNo, long lineNo, java.time.LocalDate date, String campaign, String channel,
            java.math.BigDecimal spend, Long clicks, java.math.BigDecimal conversions, Long impressions,
            String extraJson) {
    }
}
