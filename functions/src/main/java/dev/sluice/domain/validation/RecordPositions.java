package dev.sluice.domain.validation;

import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.csv.RecordScanner;

/**
 * Follows the decoded characters of a chunk as commons-csv reads them and remembers, per record, the line it
 * starts on and whether its bytes could be decoded. The parser reads ahead of the records it returns, so the
 * facts wait in a queue until the reader takes them, in the same order.
 */
final class RecordPositions extends RecordScanner {
    private long[] lines = new long[64];
    private String[] encodingProblems = new String[64];
    private int head;
    private int size;
    private long started;
    private boolean lastRecordUnterminated;
    private long unterminatedQuoteLine;

    RecordPositions(Dialect dialect) {
        super(dialect.delimiter(), dialect.quote(), Units.SINGLE_BYTE, 1);
    }

    void chars(char[] buf, int off, int len) {
        scan(buf, off, len, 0);
    }

    void end() {
        if (inQuotedField()) {
            lastRecordUnterminated = true;
            unterminatedQuoteLine = quoteOpenedOnLine();
        }
        endOfInput(0);
    }

    /** Attributes an undecodable byte sequence to the record its replacement character was scanned into. */
    void encodingProblem(String detail) {
        if (size > 0 && inRecord()) {
            int last = (head + size - 1) & (lines.length - 1);
            if (encodingProblems[last] == null) {
                encodingProblems[last] = detail;
            }
        }
    }

    @Override
    protected void recordStarted(long position, long line) {
        if (size == lines.length) {
            grow();
        }
        int slot = (head + size) & (lines.length - 1);
        lines[slot] = line;
        encodingProblems[slot] = null;
        size++;
        started++;
    }

    @Override
    protected void recordEnded(long endPosition, int fieldCount) {
        // Only starts matter: the parser reports the end of a record by returning it.
    }

    private void grow() {
        long[] newLines = new long[lines.length * 2];
        String[] newProblems = new String[lines.length * 2];
        for (int i = 0; i < size; i++) {
            newLines[i] = lines[(head + i) & (lines.length - 1)];
            newProblems[i] = encodingProblems[(head + i) & (lines.length - 1)];
        }
        lines = newLines;
        encodingProblems = newProblems;
        head = 0;
    }

    boolean hasNext() {
        return size > 0;
    }

    /** Line (relative to the chunk's first line, 1-based) of the next record; call before {@link #poll()}. */
    long nextLine() {
        return lines[head];
    }

    String nextEncodingProblem() {
        return encodingProblems[head];
    }

    /** True if the next record is the last one and a quoted field in it is never closed. */
    boolean nextIsUnterminated() {
        return size == 1 && lastRecordUnterminated;
    }

    long unterminatedQuoteLine() {
        return unterminatedQuoteLine;
    }

    void poll() {
        encodingProblems[head] = null;
        head = (head + 1) & (lines.length - 1);
        size--;
    }

    long recordsStarted() {
        return started;
    }
}
