package dev.sluice.application.port;

import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.validation.RecordSink;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Records, row errors and the chunk ledger (PostgreSQL). */
public interface RecordRepository {

    /** What became of a chunk, as its ledger row says; set once, never changed. */
    enum LedgerOutcome {
        /** Its records and row errors were stored. */
        LOADED,
        /** It could not be loaded: each of its records is a CHUNK_FAILED row error. */
        DEAD
    }

    /** What the ledger says about a chunk that was loaded (or declared dead). */
    record LedgerEntry(int chunkNo, LedgerOutcome outcome, int stored, int rejected) {
        public LedgerEntry {
            Objects.requireNonNull(outcome, "outcome");
        }

        public boolean dead() {
            return outcome == LedgerOutcome.DEAD;
        }
    }

    /** What one call to {@link #load} did. */
    enum LoadOutcome {
        /** This call claimed the ledger row and wrote the chunk's records and row errors. */
        LOADED_NOW,
        /** An earlier (or concurrent) delivery loaded the chunk; nothing was written. */
        ALREADY_LOADED,
        /** The chunk was declared dead before; nothing was written. */
        ALREADY_DEAD
    }

    /**
     * Loads one chunk in one transaction with its ledger row, parsing while it writes: the ledger row is claimed
     * first, then {@code parse} feeds records into the store's bulk load as it reads them. When the ledger row
     * exists already (a repeated or concurrent delivery), {@code parse} is not called, nothing is written and the
     * existing entry is returned with {@link LoadOutcome#ALREADY_LOADED} or {@link LoadOutcome#ALREADY_DEAD}.
     */
    LoadResult load(ChunkMessage chunk, String datasetId, ChunkParse parse);

    /** Reads the chunk's records into the sink; returns how many records it read. */
    @FunctionalInterface
    interface ChunkParse {
        int parseInto(RecordSink sink);
    }

    /** The ledger entry after a load, and whether this call wrote it; the two always agree. */
    record LoadResult(LedgerEntry entry, LoadOutcome outcome) {
        public LoadResult {
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(outcome, "outcome");
            if (entry.dead() != (outcome == LoadOutcome.ALREADY_DEAD)) {
                throw new IllegalArgumentException("outcome " + outcome + " with ledger entry " + entry);
            }
        }

        /** The chunk was written by this call. */
        public static LoadResult loadedNow(LedgerEntry entry) {
            return new LoadResult(entry, LoadOutcome.LOADED_NOW);
        }

        /** The ledger had the chunk already; nothing was written. */
        public static LoadResult found(LedgerEntry entry) {
            return new LoadResult(entry, entry.dead() ? LoadOutcome.ALREADY_DEAD : LoadOutcome.ALREADY_LOADED);
        }

        public boolean loadedNow() {
            return outcome == LoadOutcome.LOADED_NOW;
        }
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

    /**
     * A stored record: a marketing dataset's in its canonical fields (with {@code data} null), or a raw dataset's as
     * {@code data}, the values by column name (with the canonical fields null).
     *
     * @param data a raw record's values by column name: from the store in any order, from {@link #inColumnOrder}
     *             in the file's
     */
    record StoredRecord(long recordNo, long lineNo, java.time.LocalDate date, String campaign, String channel,
            java.math.BigDecimal spend, Long clicks, java.math.BigDecimal conversions, Long impressions,
            String extraJson, java.util.Map<String, String> data) {
        public StoredRecord {
            data = data == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
        }

        /** A marketing dataset's record. */
        public StoredRecord(long recordNo, long lineNo, java.time.LocalDate date, String campaign, String channel,
                java.math.BigDecimal spend, Long clicks, java.math.BigDecimal conversions, Long impressions,
                String extraJson) {
            this(recordNo, lineNo, date, campaign, channel, spend, clicks, conversions, impressions, extraJson, null);
        }

        /** A raw dataset's record. */
        public static StoredRecord raw(long recordNo, long lineNo, java.util.Map<String, String> data) {
            return new StoredRecord(recordNo, lineNo, null, null, null, null, null, null, null, null, data);
        }

        public boolean isRaw() {
            return data != null;
        }

        /**
         * A raw record with its values in the order of {@code header} (the run's column names, which the store
         * does not keep: jsonb orders keys its own way); a name the header lacks comes last. A marketing record is
         * returned as it is.
         */
        public StoredRecord inColumnOrder(List<String> header) {
            if (data == null) {
                return this;
            }
            java.util.Map<String, String> ordered = new java.util.LinkedHashMap<>();
            for (String name : header) {
                if (data.containsKey(name)) {
                    ordered.put(name, data.get(name));
                }
            }
            data.forEach(ordered::putIfAbsent);
            return raw(recordNo, lineNo, ordered);
        }
    }
}
