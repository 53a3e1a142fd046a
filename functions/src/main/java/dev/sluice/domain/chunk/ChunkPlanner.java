package dev.sluice.domain.chunk;

import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.csv.RecordScanner;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Cuts a file's data (everything after the header) into chunks in one streaming pass, without parsing fields.
 *
 * <p>A chunk closes at the first record end at or after {@code targetChunkBytes} bytes or
 * {@code maxRecordsPerChunk} records, but is emitted only when the next record starts (or at {@link #finish()}):
 * the cut then falls right before that record, so CRLF pairs are never split, blank lines between two chunks
 * belong to the earlier one, and blank lines at the end of the file extend the last chunk instead of making an
 * empty one. Chunks are therefore contiguous and cover every byte from {@code dataStartByte} to the end.
 *
 * <p>Memory is constant whatever the file size: the planner keeps a few counters and never a record.
 */
public final class ChunkPlanner {
    private final Scanner scanner;
    private final long targetChunkBytes;
    private final int maxRecordsPerChunk;
    private final Consumer<PlannedChunk> sink;
    private final long dataStartByte;

    private long position;
    private long records;
    private int chunks;
    private long chunkStart;
    private int chunkRecords;
    private long chunkFirstRecord;
    private long chunkFirstLine;
    private boolean closePending;
    private boolean finished;

    public ChunkPlanner(Dialect dialect, long dataStartByte, long dataStartLine, long targetChunkBytes,
            int maxRecordsPerChunk, Consumer<PlannedChunk> sink) {
        Objects.requireNonNull(dialect, "dialect");
        if (dataStartByte < 0) {
            throw new IllegalArgumentException("dataStartByte must be >= 0, was " + dataStartByte);
        }
        if (dataStartLine < 1) {
            throw new IllegalArgumentException("dataStartLine must be >= 1, was " + dataStartLine);
        }
        if (targetChunkBytes < 1) {
            throw new IllegalArgumentException("targetChunkBytes must be >= 1, was " + targetChunkBytes);
        }
        if (maxRecordsPerChunk < 1) {
            throw new IllegalArgumentException("maxRecordsPerChunk must be >= 1, was " + maxRecordsPerChunk);
        }
        this.scanner = new Scanner(dialect, dataStartLine);
        this.targetChunkBytes = targetChunkBytes;
        this.maxRecordsPerChunk = maxRecordsPerChunk;
        this.sink = Objects.requireNonNull(sink, "sink");
        this.dataStartByte = dataStartByte;
        this.position = dataStartByte;
        this.chunkStart = dataStartByte;
    }

    /** Scans the next {@code len} bytes of the object; chunks are passed to the sink as soon as they are cut. */
    public void feed(byte[] buf, int off, int len) {
        if (finished) {
            throw new IllegalStateException("feed after finish");
        }
        Objects.checkFromIndexSize(off, len, buf.length);
        scanner.scanBytes(buf, off, len, position);
        position += len;
    }

    /** Ends the input: emits the last chunk (if it holds any record) and returns the totals. */
    public PlanSummary finish() {
        if (!finished) {
            finished = true;
            scanner.end(position);
            if (chunkRecords > 0) {
                emit(position);
            }
        }
        return new PlanSummary(records, chunks, scanner.lines(), position - dataStartByte);
    }

    private void recordStarted(long recordStart, long line) {
        if (closePending) {
            emit(recordStart);
            chunkStart = recordStart;
            closePending = false;
        }
        if (chunkRecords == 0) {
            chunkFirstRecord = records + 1;
            chunkFirstLine = line;
        }
    }

    private void recordEnded(long endPosition) {
        records++;
        chunkRecords++;
        if (chunkRecords >= maxRecordsPerChunk || endPosition - chunkStart >= targetChunkBytes) {
            closePending = true;
        }
    }

    private void emit(long end) {
        chunks++;
        sink.accept(new PlannedChunk(chunks, chunkStart, end, chunkFirstRecord, chunkRecords, chunkFirstLine));
        chunkRecords = 0;
    }

    private final class Scanner extends RecordScanner {
        Scanner(Dialect dialect, long firstLine) {
            super(dialect.delimiter(), dialect.quote(), Units.of(dialect.encoding()), firstLine);
        }

        void scanBytes(byte[] buf, int off, int len, long at) {
            scan(buf, off, len, at);
        }

        void end(long at) {
            endOfInput(at);
        }

        long lines() {
            return physicalLines();
        }

        @Override
        protected void recordStarted(long recordStart, long line) {
            ChunkPlanner.this.recordStarted(recordStart, line);
        }

        @Override
        protected void recordEnded(long endPosition, int fieldCount) {
            ChunkPlanner.this.recordEnded(endPosition);
        }
    }
}
