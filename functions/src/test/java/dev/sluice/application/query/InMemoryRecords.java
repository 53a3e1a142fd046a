package dev.sluice.application.query;

import dev.sluice.application.port.RecordRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory twin of the record repository's reads, paged as PostgreSQL pages them (cursor = the last item's
 * position); loading is not twinned.
 */
public final class InMemoryRecords implements RecordRepository {
    private final Map<String, List<StoredRecord>> records = new ConcurrentHashMap<>();
    private final Map<String, List<StoredError>> errors = new ConcurrentHashMap<>();
    /** Every run id whose records or errors were read: a test can tell that nothing was. */
    public final List<String> reads = new CopyOnWriteArrayList<>();

    public void add(String runId, StoredRecord record) {
        records.computeIfAbsent(runId, id -> new CopyOnWriteArrayList<>()).add(record);
    }

    public void add(String runId, StoredError error) {
        errors.computeIfAbsent(runId, id -> new CopyOnWriteArrayList<>()).add(error);
    }

    @Override
    public Page<StoredRecord> records(String runId, long afterRecordNo, int limit) {
        reads.add(runId);
        List<StoredRecord> after = records.getOrDefault(runId, List.of()).stream()
                .filter(r -> r.recordNo() > afterRecordNo).toList();
        List<StoredRecord> items = after.stream().limit(limit).toList();
        return new Page<>(items, after.size() > limit
                ? Optional.of(Long.toString(items.getLast().recordNo())) : Optional.empty());
    }

    /** Errors keep their insertion order within a record; the cursor is record number and that position. */
    @Override
    public Page<StoredError> errors(String runId, ErrorCursor after, int limit) {
        reads.add(runId);
        List<StoredError> all = errors.getOrDefault(runId, List.of());
        List<StoredError> items = new ArrayList<>();
        String next = null;
        int seq = 0;
        long previousRecord = -1;
        for (StoredError error : all) {
            seq = error.recordNo() == previousRecord ? seq + 1 : 1;
            previousRecord = error.recordNo();
            boolean isAfter = error.recordNo() > after.recordNo()
                    || error.recordNo() == after.recordNo() && seq > after.seq();
            if (!isAfter) {
                continue;
            }
            if (items.size() == limit) {
                return new Page<>(items, Optional.of(next));
            }
            items.add(error);
            next = error.recordNo() + "." + seq;
        }
        return new Page<>(items, Optional.empty());
    }

    @Override
    public LoadResult load(ChunkMessage chunk, String datasetId, ChunkParse parse) {
        throw new UnsupportedOperationException("not part of the API's twin");
    }

    @Override
    public LedgerEntry markDead(ChunkMessage chunk, String reason) {
        throw new UnsupportedOperationException("not part of the API's twin");
    }
}
