package dev.sluice.domain.csv;

import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads records from decoded text in one pass: the field values, the physical line each record starts on, and
 * whether the last record holds a quoted field that is never closed.
 *
 * <p>It splits records and fields exactly as {@link RecordScanner} describes, which is what commons-csv does with
 * {@link CsvFormats}; a test holds the two to the same output on random text. The loader reads with this instead
 * of commons-csv because commons-csv appends every character to a builder one at a time and knows nothing of
 * physical lines, so line numbers took a second scan; here field text is copied in runs between structural
 * characters, and lines are counted where the terminators are met anyway.
 *
 * <p>One record is current at a time; its values are valid until the next call to {@link #next()}. A record's values
 * are kept up to {@code maxRecordChars}: past that the record is still read to its end, so the records after it are
 * found, but it is {@link #tooLong()} and its values are cut. Memory stays bounded when an unclosed quote turns
 * the rest of a file into one record.
 */
public final class CsvRecordReader {
    private static final int BUFFER_CHARS = 64 * 1024;
    private static final int END_OF_INPUT = -1;

    private enum FieldEnd { DELIMITER, LINE_END, INPUT_END }

    private final Reader in;
    private final char delimiter;
    private final char quote;
    private final int maxRecordChars;
    private final char[] buffer = new char[BUFFER_CHARS];
    private int position;
    private int limit;
    private long bufferStart;
    private boolean inputEnded;
    private long line;

    private char[] values = new char[1024];
    private int valuesLength;
    private long recordChars;
    private int[] fieldEnds = new int[16];
    private int fieldCount;
    private long recordLine;
    private long recordEndPosition;
    private boolean unterminated;
    private long quoteOpenedOnLine;

    /**
     * @param firstLine the physical line number of the first character of {@code in}
     * @param maxRecordChars how many characters of values a record may hold before it is {@link #tooLong()}
     */
    public CsvRecordReader(Reader in, char delimiter, char quote, long firstLine, int maxRecordChars) {
        this.in = Objects.requireNonNull(in, "in");
        RecordScanner.requireUsable(delimiter, quote);
        this.delimiter = delimiter;
        this.quote = quote;
        this.line = firstLine;
        if (maxRecordChars < 1) {
            throw new IllegalArgumentException("maxRecordChars must be at least 1, was " + maxRecordChars);
        }
        this.maxRecordChars = maxRecordChars;
    }

    /**
     * Reads the next record, skipping lines that hold nothing but their terminator.
     *
     * @return false at the end of the input
     */
    public boolean next() throws IOException {
        valuesLength = 0;
        recordChars = 0;
        fieldCount = 0;
        while (true) {
            int c = peek();
            if (c == END_OF_INPUT) {
                return false;
            }
            if (c != '\r' && c != '\n') {
                break;
            }
            position++;
            lineEnded(c);
        }
        recordLine = line;
        FieldEnd end;
        do {
            if (peek() == quote) {
                position++;
                end = quotedField();
            } else {
                end = unquotedField();
            }
            endField();
        } while (end == FieldEnd.DELIMITER);
        recordEndPosition = bufferStart + position;
        return true;
    }

    /** Number of fields in the current record. */
    public int size() {
        return fieldCount;
    }

    /** The value of field {@code index} (0-based) of the current record, quotes removed and {@code ""} undoubled. */
    public String get(int index) {
        Objects.checkIndex(index, fieldCount);
        int start = index == 0 ? 0 : fieldEnds[index - 1];
        return new String(values, start, fieldEnds[index] - start);
    }

    /** True if the current record's values are longer than {@code maxRecordChars}; they are cut there. */
    public boolean tooLong() {
        return recordChars > maxRecordChars;
    }

    /** Characters in the current record's values, counted in full even when it is {@link #tooLong()}. */
    public long recordChars() {
        return recordChars;
    }

    /** The physical line the current record starts on. */
    public long line() {
        return recordLine;
    }

    /**
     * Characters read up to the end of the current record and its terminator: everything the record was made of
     * lies before this position and after the previous record's.
     */
    public long endPosition() {
        return recordEndPosition;
    }

    /** True if the current record ends the input inside a quoted field that was never closed. */
    public boolean unterminated() {
        return unterminated;
    }

    /** For an {@link #unterminated()} record: the physical line its open quote is on. */
    public long quoteOpenedOnLine() {
        return quoteOpenedOnLine;
    }

    /** Text outside quotes, and after a closing quote up to the next delimiter or line end, taken as it is. */
    private FieldEnd unquotedField() throws IOException {
        while (true) {
            if (position == limit && !fill()) {
                return FieldEnd.INPUT_END;
            }
            final char[] chars = buffer;
            final int end = limit;
            final char delim = delimiter;
            int i = position;
            while (i < end) {
                char c = chars[i];
                if (c == delim || c == '\n' || c == '\r') {
                    break;
                }
                i++;
            }
            append(position, i);
            position = i;
            if (i < end) {
                char c = chars[i];
                position++;
                if (c == delim) {
                    return FieldEnd.DELIMITER;
                }
                lineEnded(c);
                return FieldEnd.LINE_END;
            }
        }
    }

    /** After an opening quote: up to the closing quote, then any trailing text as part of the same field. */
    private FieldEnd quotedField() throws IOException {
        long openedOnLine = line;
        boolean afterCr = false;
        while (true) {
            if (position == limit && !fill()) {
                unterminated = true;
                quoteOpenedOnLine = openedOnLine;
                return FieldEnd.INPUT_END;
            }
            final char[] chars = buffer;
            final int end = limit;
            final char q = quote;
            int i = position;
            while (i < end) {
                char c = chars[i];
                if (c == q) {
                    break;
                }
                if (c == '\r') {
                    line++;
                    afterCr = true;
                } else {
                    if (c == '\n' && !afterCr) {
                        line++;
                    }
                    afterCr = false;
                }
                i++;
            }
            append(position, i);
            position = i;
            if (i == end) {
                continue;
            }
            position++;
            afterCr = false;
            if (peek() == q) {
                position++;
                appendChar(q);
            } else {
                return unquotedField();
            }
        }
    }

    /** Counts a record terminator or blank line: {@code \n}, {@code \r\n} or a lone {@code \r}. */
    private void lineEnded(int terminator) throws IOException {
        line++;
        if (terminator == '\r' && peek() == '\n') {
            position++;
        }
    }

    private int peek() throws IOException {
        if (position == limit && !fill()) {
            return END_OF_INPUT;
        }
        return buffer[position];
    }

    private boolean fill() throws IOException {
        if (inputEnded) {
            return false;
        }
        bufferStart += limit;
        position = 0;
        limit = 0;
        while (limit == 0) {
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                inputEnded = true;
                return false;
            }
            limit = n;
        }
        return true;
    }

    private void append(int from, int to) {
        recordChars += to - from;
        int length = Math.min(to - from, maxRecordChars - valuesLength);
        if (length <= 0) {
            return;
        }
        ensureValues(length);
        System.arraycopy(buffer, from, values, valuesLength, length);
        valuesLength += length;
    }

    private void appendChar(char c) {
        recordChars++;
        if (valuesLength == maxRecordChars) {
            return;
        }
        ensureValues(1);
        values[valuesLength++] = c;
    }

    private void ensureValues(int more) {
        if (valuesLength + more > values.length) {
            values = Arrays.copyOf(values, Math.max(values.length * 2, valuesLength + more));
        }
    }

    private void endField() {
        if (fieldCount == fieldEnds.length) {
            fieldEnds = Arrays.copyOf(fieldEnds, fieldCount * 2);
        }
        fieldEnds[fieldCount++] = valuesLength;
    }
}
