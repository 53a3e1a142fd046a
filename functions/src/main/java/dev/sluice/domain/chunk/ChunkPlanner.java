package dev.sluice.domain.chunk;

import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.csv.RecordScanner;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
    private final ByteScanner byteScanner;
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
        boolean singleBytes = RecordScanner.Units.of(dialect.encoding()) == RecordScanner.Units.SINGLE_BYTE;
        this.scanner = singleBytes ? null : new Scanner(dialect, dataStartLine);
        this.byteScanner = singleBytes ? new ByteScanner(dialect.delimiter(), dialect.quote(), dataStartLine) : null;
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
        if (byteScanner != null) {
            byteScanner.scan(buf, off, len, position);
        } else {
            scanner.scanBytes(buf, off, len, position);
        }
        position += len;
    }

    /** Ends the input: emits the last chunk (if it holds any record) and returns the totals. */
    public PlanSummary finish() {
        if (!finished) {
            finished = true;
            if (byteScanner != null) {
                byteScanner.end(position);
            } else {
                scanner.end(position);
            }
            if (chunkRecords > 0) {
                emit(position);
            }
        }
        long lines = byteScanner != null ? byteScanner.lines() : scanner.lines();
        return new PlanSummary(records, chunks, lines, position - dataStartByte);
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

    /**
     * The splitter's hot loop for single-byte encodings (UTF-8, Windows-1252), where every structural character is
     * one ASCII byte. It makes exactly the transitions of {@link RecordScanner} (a quote opens a quoted field only at
     * a field start; {@code ""} inside quotes is data; CR, LF and CRLF end a record outside quotes and count as one
     * line each way), but with one tight loop per state instead of a call per structural byte: the splitter must
     * keep up with a plain read of the object. The planner tests run both scanners against commons-csv.
     */
    private final class ByteScanner {
        private static final int LINE_START = 0;
        private static final int AFTER_CR = 1;
        private static final int FIELD_START = 2;
        private static final int UNQUOTED = 3;
        private static final int QUOTED = 4;
        private static final int QUOTE_IN_QUOTED = 5;

        private static final long ONES = 0x0101010101010101L;
        private static final long HIGH_BITS = 0x8080808080808080L;
        private static final long CR_WORD = '\r' * ONES;
        private static final long LF_WORD = '\n' * ONES;
        private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
                ByteOrder.LITTLE_ENDIAN);

        private final byte delimiter;
        private final byte quote;
        private final long firstLine;
        private final long quoteWord;
        private int state = LINE_START;
        private long terminators;
        /** The last byte seen was CR: an LF right after it belongs to the same terminator. */
        private boolean previousWasCr;
        private boolean sawAnyByte;
        private boolean lastWasLineEnd = true;
        /** The last byte of the previous feed: whether a quote at the start of this one follows a delimiter. */
        private byte lastByte;

        ByteScanner(char delimiter, char quote, long firstLine) {
            this.delimiter = (byte) delimiter;
            this.quote = (byte) quote;
            this.firstLine = firstLine;
            this.quoteWord = broadcast(quote);
        }

        private static long broadcast(char c) {
            return (c & 0xFFL) * ONES;
        }

        /**
         * The index of the first byte in {@code [from, end)} that is CR, LF or the byte repeated in {@code word}, or
         * {@code end}. Eight bytes at a time (the "has zero byte" bit trick): field data is mostly plain bytes.
         */
        private static int findStop(byte[] buf, int from, int end, long word) {
            int i = from;
            while (i + 8 <= end) {
                long w = (long) LONGS.get(buf, i);
                long hits = zeroBytes(w ^ word) | zeroBytes(w ^ CR_WORD) | zeroBytes(w ^ LF_WORD);
                if (hits != 0) {
                    // The lowest flagged byte is always a real match; only bytes above one can be false.
                    return i + (Long.numberOfTrailingZeros(hits) >>> 3);
                }
                i += 8;
            }
            byte single = (byte) word;
            while (i < end) {
                byte b = buf[i];
                if (b == single || b == '\r' || b == '\n') {
                    return i;
                }
                i++;
            }
            return end;
        }

        private static long zeroBytes(long v) {
            return (v - ONES) & ~v & HIGH_BITS;
        }

        void scan(byte[] buf, int off, int len, long at) {
            if (len == 0) {
                return;
            }
            sawAnyByte = true;
            final int end = off + len;
            final long base = at - off;
            final byte d = delimiter;
            final byte q = quote;
            int st = state;
            long terms = terminators;
            boolean cr = previousWasCr;
            int i = off;
            while (i < end) {
                byte b = buf[i];
                switch (st) {
                    case UNQUOTED -> {
                        // Outside quotes a delimiter changes nothing the planner needs, except that a quote right
                        // after one opens a quoted field; so stop only at quotes and line ends, and look back.
                        int stop = findStop(buf, i, end, quoteWord);
                        cr = false;
                        if (stop == end) {
                            i = end;
                            continue;
                        }
                        i = stop;
                        b = buf[i];
                        if (b == q) {
                            if ((i > off ? buf[i - 1] : lastByte) == d) {
                                st = QUOTED;
                            }
                        } else {
                            terms++;
                            cr = b == '\r';
                            st = cr ? AFTER_CR : LINE_START;
                            recordEnded(base + i + 1);
                        }
                        i++;
                    }
                    case FIELD_START -> {
                        cr = b == '\r';
                        if (b == q) {
                            st = QUOTED;
                        } else if (b == '\r' || b == '\n') {
                            terms++;
                            st = cr ? AFTER_CR : LINE_START;
                            recordEnded(base + i + 1);
                        } else if (b != d) {
                            st = UNQUOTED;
                        }
                        i++;
                    }
                    case QUOTED -> {
                        int stop = findStop(buf, i, end, quoteWord);
                        if (stop > i) {
                            cr = false;
                            i = stop;
                            if (i == end) {
                                continue;
                            }
                            b = buf[i];
                        }
                        if (b == q) {
                            cr = false;
                            st = QUOTE_IN_QUOTED;
                        } else if (b == '\r') {
                            terms++;
                            cr = true;
                        } else {
                            if (!cr) {
                                terms++;
                            }
                            cr = false;
                        }
                        i++;
                    }
                    case QUOTE_IN_QUOTED -> {
                        cr = b == '\r';
                        if (b == q) {
                            st = QUOTED;
                        } else if (b == d) {
                            st = FIELD_START;
                        } else if (b == '\r' || b == '\n') {
                            terms++;
                            st = cr ? AFTER_CR : LINE_START;
                            recordEnded(base + i + 1);
                        } else {
                            // Trailing data after a closing quote runs to the next delimiter, like commons-csv.
                            st = UNQUOTED;
                        }
                        i++;
                    }
                    default -> {
                        // LINE_START or AFTER_CR: blank lines are skipped; any other byte starts a record.
                        if (b == '\r') {
                            terms++;
                            cr = true;
                            st = AFTER_CR;
                        } else if (b == '\n') {
                            if (!(st == AFTER_CR && cr)) {
                                terms++;
                            }
                            cr = false;
                            st = LINE_START;
                        } else {
                            cr = false;
                            recordStarted(base + i, firstLine + terms);
                            st = b == q ? QUOTED : b == d ? FIELD_START : UNQUOTED;
                        }
                        i++;
                    }
                }
            }
            state = st;
            terminators = terms;
            previousWasCr = cr;
            lastByte = buf[end - 1];
            lastWasLineEnd = lastByte == '\r' || lastByte == '\n';
        }

        void end(long at) {
            if (state != LINE_START && state != AFTER_CR) {
                recordEnded(at);
                state = LINE_START;
            }
        }

        /** Physical lines: terminators, plus one for a last line without a terminator. */
        long lines() {
            return terminators + (sawAnyByte && !lastWasLineEnd ? 1 : 0);
        }
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
