package dev.sluice.domain.chunk;

import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.mapping.Mapping;
import dev.sluice.domain.validation.NumberStyle;
import java.util.Objects;

/**
 * One chunk of one file, as sent on ChunkQueue. The byte range always starts and ends on a record boundary.
 * It carries everything a loader needs, so loading a chunk reads nothing about the run first.
 *
 * @param datasetId   the dataset the run's records belong to
 * @param startByte   first byte of the chunk's first record (inclusive, from the start of the object)
 * @param endByte     one past the last byte of the chunk (exclusive)
 * @param firstRecord record number of the chunk's first record (1 = first data record after the header)
 * @param recordCount records in the chunk (blank lines are not records)
 * @param firstLine   physical line (1-based) where the chunk's first record starts
 */
public record ChunkMessage(
        String runId,
        String datasetId,
        int chunkNo,
        String bucket,
        String key,
        long startByte,
        long endByte,
        long firstRecord,
        int recordCount,
        long firstLine,
        Dialect dialect,
        Mapping mapping,
        NumberStyle numberStyle) {
    public ChunkMessage {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(datasetId, "datasetId");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(numberStyle, "numberStyle");
        if (chunkNo < 1) {
            throw new IllegalArgumentException("chunkNo must be >= 1");
        }
        if (startByte < 0 || endByte < startByte) {
            throw new IllegalArgumentException("invalid byte range " + startByte + ".." + endByte);
        }
        if (firstRecord < 1 || recordCount < 0 || firstLine < 1) {
            throw new IllegalArgumentException("invalid record position: firstRecord=" + firstRecord
                    + " recordCount=" + recordCount + " firstLine=" + firstLine);
        }
    }

    public long lastRecord() {
        return firstRecord + recordCount - 1;
    }
}
