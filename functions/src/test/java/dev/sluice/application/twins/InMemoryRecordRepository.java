package dev.sluice.application.twins;

import dev.sluice.application.port.DeadChunkLedger;
import dev.sluice.application.port.RecordRepository;
import dev.sluice.application.port.RunDataEraser;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.validation.RawRecord;
import dev.sluice.domain.validation.RecordSink;
import dev.sluice.domain.validation.RowError;
import dev.sluice.domain.validation.RowErrorCode;
import dev.sluice.domain.validation.ValidRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Records, row errors and the chunk ledger in memory, with PostgresRecordRepository's guarantee: a chunk's records,
 * its row errors and its ledger row are kept together or not at all (a parse that throws leaves nothing), and a
 * chunk found in the ledger is neither parsed nor written again.
 */
public final class InMemoryRecordRepository implements RecordRepository, RunDataEraser, DeadChunkLedger {
    /** The ledger's outcome of a chunk whose records were loaded, and of one declared dead. */
    public static final LedgerOutcome LOADED = LedgerOutcome.LOADED;
    public static final LedgerOutcome DEAD = LedgerOutcome.DEAD;

    private final Map<String, LedgerEntry> ledger = new TreeMap<>();
    private final Map<String, long[]> deadRanges = new TreeMap<>();
    private final Map<String, TreeMap<Long, StoredRecord>> records = new TreeMap<>();
    private final Map<String, List<StoredError>> errors = new TreeMap<>();
    private int parses;

    /** The ledger entry of a chunk, if it has one. */
    public synchronized Optional<LedgerEntry> ledger(String runId, int chunkNo) {
        return Optional.ofNullable(ledger.get(runId + "#" + chunkNo));
    }

    /** How many times a chunk's bytes were parsed (a repeat that finds the ledger parses nothing). */
    public synchronized int parses() {
        return parses;
    }

    @Override
    public synchronized long deleteRunData(java.util.Collection<String> runIds) {
        long deleted = 0;
        for (String runId : runIds) {
            TreeMap<Long, StoredRecord> gone = records.remove(runId);
            deleted += gone == null ? 0 : gone.size();
            errors.remove(runId);
            ledger.keySet().removeIf(key -> key.startsWith(runId + "#"));
        }
        return deleted;
    }

    public synchronized List<StoredRecord> records(String runId) {
        return List.copyOf(records.getOrDefault(runId, new TreeMap<>()).values());
    }

    public synchronized List<StoredError> errors(String runId) {
        return List.copyOf(errors.getOrDefault(runId, List.of()));
    }

    @Override
    public synchronized LoadResult load(ChunkMessage chunk, String datasetId, ChunkParse parse) {
        LedgerEntry found = ledger.get(key(chunk));
        if (found != null) {
            return LoadResult.found(found);
        }
        parses++;
        // Collected aside and kept only when the parse completes: the transaction of the real repository.
        List<StoredRecord> loaded = new ArrayList<>();
        List<StoredError> rejected = new ArrayList<>();
        int[] rejectedRecords = {0};
        parse.parseInto(new RecordSink() {
            @Override
            public void accept(ValidRecord record) {
                loaded.add(new StoredRecord(record.recordNo(), record.lineNo(), record.date(), record.campaign(),
                        record.channel(), record.spend(), record.clicks(), record.conversions(),
                        record.impressions(), record.extra().isEmpty() ? null : record.extra().toString()));
            }

            @Override
            public void accept(RawRecord record) {
                Map<String, String> data = new LinkedHashMap<>();
                for (int i = 0; i < record.names().size(); i++) {
                    data.put(record.names().get(i), record.values().get(i));
                }
                loaded.add(StoredRecord.raw(record.recordNo(), record.lineNo(), data));
            }

            @Override
            public void reject(long recordNo, long lineNo, List<RowError> rowErrors) {
                rejectedRecords[0]++;
                rowErrors.forEach(e -> rejected.add(new StoredError(e.recordNo(), e.lineNo(), e.column(),
                        e.code().name(), e.message(), e.rawExcerpt())));
            }
        });
        loaded.forEach(r -> records.computeIfAbsent(chunk.runId(), id -> new TreeMap<>()).put(r.recordNo(), r));
        errors.computeIfAbsent(chunk.runId(), id -> new ArrayList<>()).addAll(rejected);
        LedgerEntry entry = new LedgerEntry(chunk.chunkNo(), LOADED, loaded.size(), rejectedRecords[0]);
        ledger.put(key(chunk), entry);
        return LoadResult.loadedNow(entry);
    }

    @Override
    public synchronized LedgerEntry markDead(ChunkMessage chunk, String reason) {
        LedgerEntry found = ledger.get(key(chunk));
        if (found != null) {
            return found;
        }
        List<StoredError> runErrors = errors.computeIfAbsent(chunk.runId(), id -> new ArrayList<>());
        for (int i = 0; i < chunk.recordCount(); i++) {
            // Only the first record's line is known: the bytes after it were never read.
            runErrors.add(new StoredError(chunk.firstRecord() + i, i == 0 ? chunk.firstLine() : null, null,
                    RowErrorCode.CHUNK_FAILED.name(),
                    "chunk " + chunk.chunkNo() + " could not be loaded: " + reason, ""));
        }
        LedgerEntry entry = new LedgerEntry(chunk.chunkNo(), DEAD, 0, chunk.recordCount());
        ledger.put(key(chunk), entry);
        deadRanges.put(key(chunk), new long[] {chunk.firstRecord(), chunk.lastRecord()});
        return entry;
    }

    @Override
    public synchronized Page<StoredRecord> records(String runId, long afterRecordNo, int limit) {
        List<StoredRecord> after = List.copyOf(records.getOrDefault(runId, new TreeMap<>())
                .tailMap(afterRecordNo, false).values());
        List<StoredRecord> page = after.subList(0, Math.min(limit, after.size()));
        return new Page<>(page, after.size() > limit
                ? Optional.of(Long.toString(page.get(page.size() - 1).recordNo())) : Optional.empty());
    }

    @Override
    public synchronized Page<StoredError> errors(String runId, ErrorCursor after, int limit) {
        List<StoredError> sorted = new ArrayList<>(errors.getOrDefault(runId, List.of()));
        sorted.sort(Comparator.comparingLong(StoredError::recordNo));
        List<StoredError> rest = sorted.stream().filter(e -> e.recordNo() > after.recordNo()).toList();
        List<StoredError> page = rest.subList(0, Math.min(limit, rest.size()));
        return new Page<>(page, rest.size() > limit
                ? Optional.of(Long.toString(page.get(page.size() - 1).recordNo())) : Optional.empty());
    }

    @Override
    public synchronized int forgetDeadChunks(String runId, Collection<Integer> chunkNos) {
        int forgotten = 0;
        for (int chunkNo : chunkNos) {
            String key = runId + "#" + chunkNo;
            LedgerEntry entry = ledger.get(key);
            if (entry == null || !entry.dead()) {
                continue;
            }
            long[] range = deadRanges.remove(key);
            errors.getOrDefault(runId, new ArrayList<>()).removeIf(e -> e.recordNo() >= range[0]
                    && e.recordNo() <= range[1] && e.code().equals(RowErrorCode.CHUNK_FAILED.name()));
            ledger.remove(key);
            forgotten++;
        }
        return forgotten;
    }

    private static String key(ChunkMessage chunk) {
        return chunk.runId() + "#" + chunk.chunkNo();
    }
}
