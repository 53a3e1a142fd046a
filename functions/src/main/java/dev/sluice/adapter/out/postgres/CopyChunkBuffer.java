package dev.sluice.adapter.out.postgres;

import dev.sluice.domain.validation.RecordSink;
import dev.sluice.domain.validation.RowError;
import dev.sluice.domain.validation.ValidRecord;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Encodes valid records straight into PostgreSQL COPY text format (tab-separated, {@code \N} for null, backslash
 * escapes) as UTF-8 bytes, and hands them to the COPY stream every {@value #FLUSH_BYTES} bytes: PostgreSQL works on
 * the first rows while the rest are still being parsed, no per-row statement, no intermediate strings. Row errors
 * are kept until the COPY ends (a connection in COPY mode runs no other statement).
 */
final class CopyChunkBuffer implements RecordSink {
    /** Bytes handed to COPY at once: large enough to amortize the call, small enough to overlap parse and load. */
    static final int FLUSH_BYTES = 256 * 1024;

    /** Where full buffers go. */
    @FunctionalInterface
    interface Flush {
        void write(byte[] bytes, int length);
    }

    static final String COLUMNS = "run_id, record_no, line_no, dataset_id, date, campaign, channel, spend, clicks, "
            + "conversions, impressions, extra";
    private static final byte[] NULL = {'\\', 'N'};

    private final byte[] runIdField;
    private final byte[] datasetIdField;
    private final List<RowError> errors = new ArrayList<>();
    private final Flush flush;
    private byte[] data;
    private int size;
    private int stored;
    private int rejected;

    CopyChunkBuffer(String runId, String datasetId, Flush flush) {
        this.runIdField = escapedUtf8(runId);
        this.datasetIdField = escapedUtf8(datasetId);
        this.flush = flush;
        this.data = new byte[FLUSH_BYTES + 64 * 1024];
    }

    /** A scratch buffer for escaping one value. */
    private CopyChunkBuffer() {
        this.runIdField = new byte[0];
        this.datasetIdField = new byte[0];
        this.flush = (bytes, length) -> {
        };
        this.data = new byte[64];
    }

    @Override
    public void accept(ValidRecord record) {
        ensure(runIdField.length + datasetIdField.length + 64);
        put(runIdField);
        putByte('\t');
        putLong(record.recordNo());
        putByte('\t');
        putLong(record.lineNo());
        putByte('\t');
        put(datasetIdField);
        putByte('\t');
        putDate(record.date());
        putByte('\t');
        putText(record.campaign(), false);
        putByte('\t');
        putText(record.channel(), false);
        putByte('\t');
        putDecimal(record.spend());
        putByte('\t');
        putNullableLong(record.clicks());
        putByte('\t');
        putDecimal(record.conversions());
        putByte('\t');
        putNullableLong(record.impressions());
        putByte('\t');
        putExtraJson(record.extra());
        putByte('\n');
        stored++;
        if (size >= FLUSH_BYTES) {
            flush();
        }
    }

    /** Hands whatever is buffered to COPY. */
    void flush() {
        if (size > 0) {
            flush.write(data, size);
            size = 0;
        }
    }

    @Override
    public void reject(long recordNo, long lineNo, List<RowError> recordErrors) {
        errors.addAll(recordErrors);
        rejected++;
    }

    int stored() {
        return stored;
    }

    int rejected() {
        return rejected;
    }

    List<RowError> errors() {
        return errors;
    }

    private void putDate(LocalDate date) {
        ensure(16);
        int year = date.getYear();
        if (year < 1000 || year > 9999) {
            putAscii(date.toString());
            return;
        }
        putLong(year);
        putByte('-');
        putTwoDigits(date.getMonthValue());
        putByte('-');
        putTwoDigits(date.getDayOfMonth());
    }

    private void putTwoDigits(int value) {
        putByte('0' + value / 10);
        putByte('0' + value % 10);
    }

    private void putDecimal(BigDecimal value) {
        if (value == null) {
            put(NULL);
        } else if (value.signum() >= 0 && value.scale() >= 0 && value.precision() <= 18) {
            putScaled(value.unscaledValue().longValue(), value.scale());
        } else {
            putAscii(value.toPlainString());
        }
    }

    /** {@code unscaled / 10^scale} in plain notation, as {@code toPlainString} writes it, without the string. */
    private void putScaled(long unscaled, int scale) {
        if (scale == 0) {
            putLong(unscaled);
            return;
        }
        int start = size;
        putLong(unscaled);
        int digits = size - start;
        int leadingZeros = Math.max(0, scale + 1 - digits);
        ensure(leadingZeros + 1);
        // Shift the digits right to make room for the leading zeros and the point, then fill them in.
        int integerDigits = digits + leadingZeros - scale;
        System.arraycopy(data, start, data, start + leadingZeros, digits);
        for (int i = 0; i < leadingZeros; i++) {
            data[start + i] = '0';
        }
        int point = start + integerDigits;
        System.arraycopy(data, point, data, point + 1, scale);
        data[point] = '.';
        size = start + digits + leadingZeros + 1;
    }

    private void putNullableLong(Long value) {
        if (value == null) {
            put(NULL);
        } else {
            putLong(value);
        }
    }

    private void putLong(long value) {
        ensure(20);
        if (value < 0) {
            putAscii(Long.toString(value));
            return;
        }
        if (value == 0) {
            putByte('0');
            return;
        }
        int digits = 0;
        for (long v = value; v > 0; v /= 10) {
            digits++;
        }
        int at = size + digits;
        for (long v = value; v > 0; v /= 10) {
            data[--at] = (byte) ('0' + v % 10);
        }
        size += digits;
    }

    /** The unmapped columns as a JSON object, COPY-escaped; written by hand because it runs for every record. */
    private void putExtraJson(Map<String, String> extra) {
        if (extra == null || extra.isEmpty()) {
            putAscii("{}");
            return;
        }
        putByte('{');
        extra.forEach(this::putJsonMember);
        data[size - 1] = '}'; // over the comma after the last member
    }

    private void putJsonMember(String name, String value) {
        putText(name, true);
        putByte(':');
        if (value == null) {
            putAscii("null");
        } else {
            putText(value, true);
        }
        putByte(',');
    }

    /**
     * Text as UTF-8 with COPY escapes; with {@code json}, also as a quoted JSON string (whose own backslashes then
     * pass through COPY's escaping).
     */
    private void putText(String value, boolean json) {
        int length = value.length();
        ensure(length * 3 + (json ? length * 4 + 2 : 0) + 8);
        if (json) {
            putByte('"');
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '\\' && c != '"') {
                data[size++] = (byte) c;
                continue;
            }
            if (json && (c == '"' || c == '\\')) {
                putCopyEscaped('\\');
                putCopyEscaped(c);
            } else if (json && c < 0x20) {
                putCopyEscaped('\\');
                putAscii(String.format("u%04x", (int) c));
            } else if (c < 0x80) {
                putCopyEscaped(c);
            } else {
                i = putUtf8(value, i);
            }
        }
        if (json) {
            putByte('"');
        }
    }

    private void putCopyEscaped(char c) {
        ensure(2);
        switch (c) {
            case '\\' -> putAscii("\\\\");
            case '\t' -> putAscii("\\t");
            case '\n' -> putAscii("\\n");
            case '\r' -> putAscii("\\r");
            // PostgreSQL text cannot hold NUL; keep the position visible instead of dropping it.
            case '\0' -> putUtf8("\uFFFD", 0);
            default -> data[size++] = (byte) c;
        }
    }

    /** Encodes the code point at {@code index}; returns the index of its last char. */
    private int putUtf8(String value, int index) {
        int codePoint = value.codePointAt(index);
        ensure(4);
        if (codePoint < 0x800) {
            data[size++] = (byte) (0xC0 | codePoint >> 6);
            data[size++] = (byte) (0x80 | codePoint & 0x3F);
        } else if (codePoint < 0x10000) {
            if (Character.isSurrogate((char) codePoint)) {
                codePoint = 0xFFFD;
            }
            data[size++] = (byte) (0xE0 | codePoint >> 12);
            data[size++] = (byte) (0x80 | codePoint >> 6 & 0x3F);
            data[size++] = (byte) (0x80 | codePoint & 0x3F);
        } else {
            data[size++] = (byte) (0xF0 | codePoint >> 18);
            data[size++] = (byte) (0x80 | codePoint >> 12 & 0x3F);
            data[size++] = (byte) (0x80 | codePoint >> 6 & 0x3F);
            data[size++] = (byte) (0x80 | codePoint & 0x3F);
        }
        return index + Character.charCount(codePoint) - 1;
    }

    private void putAscii(String value) {
        ensure(value.length());
        for (int i = 0; i < value.length(); i++) {
            data[size++] = (byte) value.charAt(i);
        }
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, data, size, bytes.length);
        size += bytes.length;
    }

    private void putByte(int b) {
        ensure(1);
        data[size++] = (byte) b;
    }

    private void ensure(int more) {
        if (size + more > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, size + more));
        }
    }

    private static byte[] escapedUtf8(String value) {
        CopyChunkBuffer scratch = new CopyChunkBuffer();
        scratch.putText(value, false);
        return Arrays.copyOf(scratch.data, scratch.size);
    }
}
