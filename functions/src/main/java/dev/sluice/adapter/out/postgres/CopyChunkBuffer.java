package dev.sluice.adapter.out.postgres;

import dev.sluice.application.port.RecordRepository.ChunkBuffer;
import dev.sluice.domain.validation.RowError;
import dev.sluice.domain.validation.ValidRecord;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Encodes valid records straight into PostgreSQL COPY text format (tab-separated, {@code \N} for null,
 * backslash escapes), so a chunk costs one COPY round trip and no per-row statement. Holds one chunk: O(chunk).
 */
final class CopyChunkBuffer implements ChunkBuffer {
    static final String COLUMNS = "run_id, record_no, line_no, dataset_id, date, campaign, channel, spend, clicks, "
            + "conversions, impressions, extra";

    private final String runIdField;
    private final String datasetIdField;
    private final StringBuilder line = new StringBuilder(256);
    private final ByteArrayOutputStream copyData;
    private final List<RowError> errors = new ArrayList<>();
    private int stored;
    private int rejected;

    CopyChunkBuffer(String runId, String datasetId, long expectedBytes) {
        this.runIdField = escape(runId);
        this.datasetIdField = escape(datasetId);
        this.copyData = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, Math.max(1024, expectedBytes * 2)));
    }

    @Override
    public void accept(ValidRecord record) {
        StringBuilder out = line;
        out.setLength(0);
        out.append(runIdField).append('\t')
                .append(record.recordNo()).append('\t')
                .append(record.lineNo()).append('\t')
                .append(datasetIdField).append('\t')
                .append(record.date()).append('\t');
        appendText(out, record.campaign());
        out.append('\t');
        appendText(out, record.channel());
        out.append('\t');
        appendDecimal(out, record.spend());
        out.append('\t');
        appendLong(out, record.clicks());
        out.append('\t');
        appendDecimal(out, record.conversions());
        out.append('\t');
        appendLong(out, record.impressions());
        out.append('\t');
        appendText(out, extraJson(record.extra()));
        out.append('\n');
        byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
        copyData.write(bytes, 0, bytes.length);
        stored++;
    }

    @Override
    public void reject(long recordNo, long lineNo, List<RowError> recordErrors) {
        errors.addAll(recordErrors);
        rejected++;
    }

    @Override
    public int stored() {
        return stored;
    }

    @Override
    public int rejected() {
        return rejected;
    }

    @Override
    public List<RowError> errors() {
        return errors;
    }

    byte[] copyData() {
        return copyData.toByteArray();
    }

    int copyDataSize() {
        return copyData.size();
    }

    void writeCopyDataTo(java.io.OutputStream out) throws java.io.IOException {
        copyData.writeTo(out);
    }

    private static void appendDecimal(StringBuilder out, BigDecimal value) {
        if (value == null) {
            out.append("\\N");
        } else {
            out.append(value.toPlainString());
        }
    }

    private static void appendLong(StringBuilder out, Long value) {
        if (value == null) {
            out.append("\\N");
        } else {
            out.append(value.longValue());
        }
    }

    private static void appendText(StringBuilder out, String value) {
        if (value == null) {
            out.append("\\N");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                // PostgreSQL text cannot hold NUL; keep the position visible instead of dropping it.
                case '\0' -> out.append('\uFFFD');
                default -> out.append(c);
            }
        }
    }

    private static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        appendText(out, value);
        return out.toString();
    }

    /** The unmapped columns as a JSON object; written by hand because it runs for every record. */
    static String extraJson(Map<String, String> extra) {
        if (extra == null || extra.isEmpty()) {
            return "{}";
        }
        StringBuilder json = new StringBuilder(64);
        json.append('{');
        boolean first = true;
        for (Map.Entry<String, String> entry : extra.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            appendJsonString(json, entry.getKey());
            json.append(':');
            if (entry.getValue() == null) {
                json.append("null");
            } else {
                appendJsonString(json, entry.getValue());
            }
        }
        return json.append('}').toString();
    }

    private static void appendJsonString(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        json.append('"');
    }
}
