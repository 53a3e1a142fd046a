package dev.sluice.domain.chunk;

import dev.sluice.domain.csv.ColumnFormats;
import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.mapping.Mapping;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
 * @param eTag        ETag of the object version the splitter read; the loader reads with {@code If-Match} on it, so
 *                    it reads exactly the bytes that were planned or fails (null only for objects whose
 *                    notification carried no ETag)
 * @param versionId   S3 version id of that object when the bucket is versioned, else null
 * @param formats     how each column writes dates and numbers, decided by the profiler for the whole file
 * @param kind        what the run's dataset stores: mapped marketing records, or raw records keyed by header
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
        NumberStyle numberStyle,
        ColumnFormats formats,
        String eTag,
        String versionId,
        DatasetKind kind) {
    public ChunkMessage {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(datasetId, "datasetId");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(numberStyle, "numberStyle");
        formats = formats == null ? ColumnFormats.NONE : formats;
        Objects.requireNonNull(kind, "kind");
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

    /** A chunk of an object whose version is not pinned (tests and tools that build messages by hand). */
    public ChunkMessage(String runId, String datasetId, int chunkNo, String bucket, String key, long startByte,
            long endByte, long firstRecord, int recordCount, long firstLine, Dialect dialect, Mapping mapping,
            NumberStyle numberStyle) {
        this(runId, datasetId, chunkNo, bucket, key, startByte, endByte, firstRecord, recordCount, firstLine, dialect,
                mapping, numberStyle, ColumnFormats.NONE, null, null, DatasetKind.MARKETING);
    }

    /** A chunk of a marketing run without per-column formats: every column in {@code numberStyle}. */
    public ChunkMessage(String runId, String datasetId, int chunkNo, String bucket, String key, long startByte,
            long endByte, long firstRecord, int recordCount, long firstLine, Dialect dialect, Mapping mapping,
            NumberStyle numberStyle, String eTag, String versionId) {
        this(runId, datasetId, chunkNo, bucket, key, startByte, endByte, firstRecord, recordCount, firstLine, dialect,
                mapping, numberStyle, ColumnFormats.NONE, eTag, versionId, DatasetKind.MARKETING);
    }

    /** A chunk without per-column formats, of a dataset of {@code kind}. */
    public ChunkMessage(String runId, String datasetId, int chunkNo, String bucket, String key, long startByte,
            long endByte, long firstRecord, int recordCount, long firstLine, Dialect dialect, Mapping mapping,
            NumberStyle numberStyle, String eTag, String versionId, DatasetKind kind) {
        this(runId, datasetId, chunkNo, bucket, key, startByte, endByte, firstRecord, recordCount, firstLine, dialect,
                mapping, numberStyle, ColumnFormats.NONE, eTag, versionId, kind);
    }

    /** A chunk of a marketing run with per-column formats. */
    public ChunkMessage(String runId, String datasetId, int chunkNo, String bucket, String key, long startByte,
            long endByte, long firstRecord, int recordCount, long firstLine, Dialect dialect, Mapping mapping,
            NumberStyle numberStyle, ColumnFormats formats, String eTag, String versionId) {
        this(runId, datasetId, chunkNo, bucket, key, startByte, endByte, firstRecord, recordCount, firstLine, dialect,
                mapping, numberStyle, formats, eTag, versionId, DatasetKind.MARKETING);
    }

    public long lastRecord() {
        return firstRecord + recordCount - 1;
    }

    /**
     * The bytes of the object this chunk stands for in a run's progress: its range, and for the first chunk also
     * the header before it. Chunks are contiguous and the last one ends at the end of the object, so the chunks of
     * a run add up to the object's size.
     */
    public long accountedBytes() {
        return chunkNo == 1 ? endByte : endByte - startByte;
    }

    /**
     * A digest of everything in the message. The splitter stores it per planned chunk; a loader compares, so a
     * message that differs from what was planned in any field (range, records, dialect, object version) is refused.
     * Fields are length-prefixed so that no two different messages give the same input. The kind is added only
     * when it is not marketing, so a marketing chunk planned before kinds existed keeps its fingerprint.
     */
    public String fingerprint() {
        StringBuilder canonical = new StringBuilder();
        for (Object field : new Object[] {runId, datasetId, chunkNo, bucket, key, startByte, endByte, firstRecord,
                recordCount, firstLine, dialect.encoding(), dialect.bomLength(), dialect.delimiter(), dialect.quote(),
                dialect.header(), mapping.columns(), numberStyle, formats.canonical(), eTag, versionId}) {
            String text = String.valueOf(field);
            canonical.append(text.length()).append(':').append(text).append(';');
        }
        if (kind != DatasetKind.MARKETING) {
            canonical.append("kind=").append(kind.wireName()).append(';');
        }
        if (!mapping.transforms().isEmpty()) {
            canonical.append("transforms=").append(mapping.transforms().encode()).append(';');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
