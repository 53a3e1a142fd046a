package dev.sluice.domain.csv;

import java.util.Locale;

/**
 * The record-boundary state machine of a CSV stream, shared by the profiler and the chunk planner so that they
 * agree on where records start and end; {@link CsvRecordReader}, which the loader reads chunks with, follows the
 * same rules.
 *
 * <p>It reproduces how commons-csv's lexer splits records with the settings of {@link CsvFormats} (quote {@code "},
 * no escape character, no comments, trailing data after a closing quote allowed, empty lines ignored):
 * <ul>
 *   <li>a quote opens a quoted field only as the first character of a field; elsewhere it is a literal;</li>
 *   <li>inside quotes, {@code ""} is one quote and delimiters, CR and LF are data;</li>
 *   <li>after the closing quote everything up to the next delimiter or line end is data of the same field,
 *       quotes included;</li>
 *   <li>records end at {@code \n}, {@code \r\n} or a lone {@code \r};</li>
 *   <li>a line holding nothing but its terminator, at the start of a record, is not a record.</li>
 * </ul>
 * Physical lines are counted the same way everywhere, inside quoted fields too, so that a line number in an
 * error message is the line an editor shows.
 *
 * <p>Units are bytes (UTF-8 and windows-1252: ASCII bytes never occur inside a multi-byte UTF-8 sequence),
 * or UTF-16 code units. Only ASCII code points are structural, so any other unit is plain data.
 */
public abstract class RecordScanner {
    /** How the scanned bytes form code units. */
    public enum Units {
        SINGLE_BYTE(1), UTF16_LE(2), UTF16_BE(2);

        private final int width;

        Units(int width) {
            this.width = width;
        }

        public int width() {
            return width;
        }

        /** The unit layout for a Java charset name as used in {@link Dialect#encoding()}. */
        public static Units of(String encoding) {
            return switch (encoding.toUpperCase(Locale.ROOT)) {
                case "UTF-16LE" -> UTF16_LE;
                case "UTF-16BE" -> UTF16_BE;
                case "UTF-16" -> throw new IllegalArgumentException(
                        "UTF-16 needs an explicit byte order (UTF-16LE or UTF-16BE)");
                default -> SINGLE_BYTE;
            };
        }
    }

    private static final int CR = '\r';
    private static final int LF = '\n';

    private static final int START_OF_LINE = 0;
    private static final int AFTER_CR = 1; // a CR ended a record or blank line; an LF right after belongs to it
    private static final int FIELD_START = 2;
    private static final int UNQUOTED = 3;
    private static final int QUOTED = 4;
    private static final int QUOTE_IN_QUOTED = 5; // closing quote, or the first half of ""
    private static final int AFTER_CLOSE = 6;

    private final int delimiter;
    private final int quote;
    private final Units units;
    private final long firstLine;

    private int state = START_OF_LINE;
    private boolean previousWasCr;
    private boolean previousWasLineEnd = true;
    private long terminators;
    private int completedFields;
    private int pendingHalfUnit = -1;
    private long pendingHalfUnitPosition;
    private boolean ended;

    /**
     * @param firstLine the physical line number of the first unit scanned
     */
    protected RecordScanner(char delimiter, char quote, Units units, long firstLine) {
        requireUsable(delimiter, quote);
        this.delimiter = delimiter;
        this.quote = quote;
        this.units = units;
        this.firstLine = firstLine;
    }

    /** Delimiter and quote settings under which records can be told apart; {@link CsvRecordReader} checks them too. */
    static void requireUsable(char delimiter, char quote) {
        if (delimiter == quote || delimiter == CR || delimiter == LF || quote == CR || quote == LF) {
            throw new IllegalArgumentException("delimiter and quote must differ from each other and from CR/LF");
        }
    }

    /** Called with the position of a record's first unit and the physical line it is on. */
    protected abstract void recordStarted(long position, long line);

    /**
     * Called when a record ends: {@code endPosition} is just past the first unit of its terminator (the CR of a
     * CRLF), or the end of input.
     */
    protected abstract void recordEnded(long endPosition, int fieldCount);

    /** Scans {@code len} bytes whose first byte is at absolute {@code position}. */
    protected final void scan(byte[] buf, int off, int len, long position) {
        if (ended) {
            throw new IllegalStateException("input already ended");
        }
        if (units == Units.SINGLE_BYTE) {
            scanSingleBytes(buf, off, len, position);
        } else {
            scanUtf16(buf, off, len, position);
        }
    }

    /**
     * Single-byte encodings, one {@link #step} per byte: the profiler's and the reader's use, on at most a MiB or a
     * chunk. The splitter's hot loop over whole objects is {@code ChunkPlanner}'s own scanner.
     */
    private void scanSingleBytes(byte[] buf, int off, int len, long position) {
        final long base = position - off;
        for (int i = off; i < off + len; i++) {
            step(buf[i] & 0xFF, base + i, 1);
        }
    }

    private void scanUtf16(byte[] buf, int off, int len, long position) {
        final boolean littleEndian = units == Units.UTF16_LE;
        for (int i = 0; i < len; i++) {
            int b = buf[off + i] & 0xFF;
            if (pendingHalfUnit < 0) {
                pendingHalfUnit = b;
                pendingHalfUnitPosition = position + i;
            } else {
                int unit = littleEndian ? pendingHalfUnit | (b << 8) : (pendingHalfUnit << 8) | b;
                pendingHalfUnit = -1;
                step(unit, pendingHalfUnitPosition, 2);
            }
        }
    }

    protected final void endOfInput(long position) {
        if (ended) {
            return;
        }
        if (pendingHalfUnit >= 0) {
            // An odd trailing byte in UTF-16: not structural, decoded as one replacement character.
            pendingHalfUnit = -1;
            step(0xFFFD, pendingHalfUnitPosition, 1);
        }
        ended = true;
        if (state != START_OF_LINE && state != AFTER_CR) {
            recordEnded(position, completedFields + 1);
        }
    }

    private void step(int c, long position, int width) {
        if (c == CR || (c == LF && !previousWasCr)) {
            terminators++;
        }
        previousWasCr = c == CR;
        previousWasLineEnd = c == CR || c == LF;
        switch (state) {
            case START_OF_LINE -> {
                if (c == CR) {
                    state = AFTER_CR;
                } else if (c != LF) {
                    startRecord(c, position);
                }
            }
            case AFTER_CR -> {
                if (c == LF) {
                    state = START_OF_LINE;
                } else if (c != CR) {
                    startRecord(c, position);
                }
            }
            case FIELD_START -> fieldStart(c, position + width);
            case UNQUOTED, AFTER_CLOSE -> {
                if (c == delimiter) {
                    completedFields++;
                    state = FIELD_START;
                } else if (c == CR || c == LF) {
                    endRecord(c, position + width);
                }
            }
            case QUOTED -> {
                if (c == quote) {
                    state = QUOTE_IN_QUOTED;
                }
            }
            case QUOTE_IN_QUOTED -> {
                if (c == quote) {
                    state = QUOTED;
                } else if (c == delimiter) {
                    completedFields++;
                    state = FIELD_START;
                } else if (c == CR || c == LF) {
                    endRecord(c, position + width);
                } else {
                    state = AFTER_CLOSE;
                }
            }
            default -> throw new IllegalStateException("state " + state);
        }
    }

    private void startRecord(int c, long position) {
        completedFields = 0;
        recordStarted(position, firstLine + terminators);
        fieldStart(c, position);
    }

    private void fieldStart(int c, long endOfUnit) {
        if (c == delimiter) {
            completedFields++;
            state = FIELD_START;
        } else if (c == quote) {
            state = QUOTED;
        } else if (c == CR || c == LF) {
            endRecord(c, endOfUnit);
        } else {
            state = UNQUOTED;
        }
    }

    private void endRecord(int c, long endPosition) {
        state = c == CR ? AFTER_CR : START_OF_LINE;
        recordEnded(endPosition, completedFields + 1);
    }

    /** Physical lines seen so far: terminators, plus one for a last line without a terminator. */
    protected final long physicalLines() {
        return terminators + (previousWasLineEnd ? 0 : 1);
    }

    /** Line terminators seen so far. */
    protected final long terminators() {
        return terminators;
    }
}
