package dev.sluice.domain.chunk;

import dev.sluice.domain.csv.ColumnFormats;
import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.mapping.Mapping;

/**
 * A chunk as cut by the {@link ChunkPlanner}, before it is addressed to a run and an object.
 *
 * @param chunkNo     1-based, in file order
 * @param startByte   absolute offset of the chunk's first byte (its first record, or blank lines before it)
 * @param endByte     absolute offset one past its last byte; the next chunk starts here
 * @param firstRecord record number of its first record (1 = first data record)
 * @param recordCount records in the chunk, never 0
 * @param firstLine   physical line (1-based) where its first record starts
 */
public record PlannedChunk(
        int chunkNo, long startByte, long endByte, long firstRecord, int recordCount, long firstLine) {
    public PlannedChunk {
        if (chunkNo < 1) {
            throw new IllegalArgumentException("chunkNo must be >= 1, was " + chunkNo);
        }
        if (startByte < 0 || endByte <= startByte) {
            throw new IllegalArgumentException("invalid byte range " + startByte + ".." + endByte);
        }
        if (firstRecord < 1 || recordCount < 1 || firstLine < 1) {
            throw new IllegalArgumentException("invalid record position: firstRecord=" + firstRecord
                    + " recordCount=" + recordCount + " firstLine=" + firstLine);
        }
    }

    public long lastRecord() {
        return firstRecord + recordCount - 1;
    }

    /** The message for a chunk of an object whose version is not pinned (tests). */
    public ChunkMessage toMessage(String runId, String datasetId, String bucket, String key, Dialect dialect,
            Mapping mapping, NumberStyle numberStyle) {
        return toMessage(runId, datasetId, bucket, key, dialect, mapping, numberStyle, null, null);
    }

    public ChunkMessage toMessage(String runId, String datasetId, String bucket, String key, Dialect dialect,
            Mapping mapping, NumberStyle numberStyle, String eTag, String versionId) {
        return toMessage(runId, datasetId, bucket, key, dialect, mapping, numberStyle, ColumnFormats.NONE, eTag,
                versionId, DatasetKind.MARKETING);
    }

    public ChunkMessage toMessage(String runId, String datasetId, String bucket, String key, Dialect dialect,
            Mapping mapping, NumberStyle numberStyle, ColumnFormats formats, String eTag, String versionId) {
        return toMessage(runId, datasetId, bucket, key, dialect, mapping, numberStyle, formats, eTag, versionId,
                DatasetKind.MARKETING);
    }

    public ChunkMessage toMessage(String runId, String datasetId, String bucket, String key, Dialect dialect,
            Mapping mapping, NumberStyle numberStyle, ColumnFormats formats, String eTag, String versionId,
            DatasetKind kind) {
        return new ChunkMessage(runId, datasetId, chunkNo, bucket, key, startByte, endByte, firstRecord, recordCount,
                firstLine, dialect, mapping, numberStyle, formats, eTag, versionId, kind);
    }
}
