package dev.sluice.application.port;

import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.validation.RecordSink;
import dev.sluice.domain.validation.RowError;
import java.util.List;
import java.util.Optional;

/** Records, row errors and the chunk ledger (PostgreSQL). */
public interface RecordRepository {

    /** What the ledger says about a chunk that was loaded (or declared dead) before. */
    record LedgerEntry(int chunkNo, String outcome, int stored, int rejected) {
    }

    Optional<LedgerEntry> ledgerEntry(String runId, int chunkNo);

    /** A buffer that collects one chunk's valid records (in the store's bulk-load format) and row errors. */
    ChunkBuffer newBuffer(ChunkMessage chunk, String datasetId);

    /**
     * Loads a parsed chunk in one transaction with its ledger row. When the ledger row exists already (a
     * repeated or concurrent delivery) nothing is written and the existing entry is returned.
     */
    LedgerEntry load(ChunkMessage chunk, ChunkBuffer buffer);

    /** Writes a CHUNK_FAILED row error for every record of a chunk that could not be loaded, once. */
    LedgerEntry markDead(ChunkMessage chunk, String reason);

    interface ChunkBuffer extends RecordSink {
        int stored();

        int rejected();

        List<RowError> errors();
    }

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
