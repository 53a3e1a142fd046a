package dev.sluice.application.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.application.export.CsvWriter;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Records pulled from a JSON API or a feed, or the rows of a pulled CSV file, turned into one CSV file. Records are
 * spooled to a temporary file as they arrive (a pull never holds them all in memory). For JSON and feed records the
 * header is every field name any record had, sorted, so the same records always give the same bytes (and the same
 * content hash), whatever order the fields came in; a record's missing fields are empty cells, and values are
 * written as untrusted cells ({@link CsvWriter#untrusted}): one a spreadsheet would run as a formula gets a leading
 * {@code '}. The rows of a CSV file ({@link #forCsv}) keep the file's header and their cells as they were, as an
 * uploaded file's would be: a row with too few or too many fields stays so, and the loader reports it.
 *
 * <p>With a cursor field, records whose cursor is not newer than the checkpoint are left out, and the largest cursor
 * seen becomes the checkpoint the pull proposes. A record whose cursor is empty, or not of the kind the checkpoint
 * is (a number, a time), cannot be placed: it is kept, so no record is dropped unseen, counted in
 * {@link #uncursored()}, and does not move the checkpoint.
 */
final class RecordTable implements AutoCloseable {
    private static final TypeReference<Map<String, String>> ROW = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> CELLS = new TypeReference<>() {
    };
    private final ObjectMapper json;
    private final Path spool;
    private final BufferedWriter out;
    private final TreeSet<String> columns = new TreeSet<>();
    private final List<String> header;
    private final String cursorField;
    private final CursorValues.Value checkpoint;
    private CursorValues.Value maxCursor;
    private long records;
    private long seen;
    private long uncursored;

    RecordTable(ObjectMapper json, Path directory, String cursorField, String checkpoint) throws IOException {
        this(json, directory, cursorField, checkpoint, null);
    }

    private RecordTable(ObjectMapper json, Path directory, String cursorField, String checkpoint,
            List<String> header) throws IOException {
        this.json = json;
        this.spool = Files.createTempFile(directory, "pull-records", ".jsonl");
        try {
            this.out = Files.newBufferedWriter(spool, StandardCharsets.UTF_8);
        } catch (IOException e) {
            Files.deleteIfExists(spool);
            throw e;
        }
        this.cursorField = cursorField == null || cursorField.isBlank() ? null : cursorField;
        this.checkpoint = checkpoint == null ? null : CursorValues.Value.of(checkpoint);
        this.maxCursor = this.checkpoint;
        this.header = header == null ? null : List.copyOf(header);
    }

    /** The rows of a CSV file with {@code header}, added with {@link #addCells}. */
    static RecordTable forCsv(ObjectMapper json, Path directory, String cursorField, String checkpoint,
            List<String> header) throws IOException {
        return new RecordTable(json, directory, cursorField, checkpoint, header);
    }

    /** Adds one flattened record, unless its cursor says it was loaded before. */
    void add(Map<String, String> record) {
        seen++;
        if (!newer(cursorField == null ? null : record.get(cursorField))) {
            return;
        }
        columns.addAll(record.keySet());
        spool(record);
    }

    /** Adds one row of a CSV file, whose cursor value is {@code cursor} (null: the row has no such cell). */
    void addCells(List<String> cells, String cursor) {
        seen++;
        if (newer(cursor)) {
            spool(cells);
        }
    }

    /** Whether a record with this cursor value is kept, moving the largest cursor seen. */
    private boolean newer(String cursor) {
        if (cursorField == null) {
            return true;
        }
        if (cursor == null || cursor.isBlank()) {
            uncursored++;
            return true;
        }
        CursorValues.Value value = CursorValues.Value.of(cursor);
        if (maxCursor != null && !value.sameKind(maxCursor)) {
            uncursored++;
            return true;
        }
        if (checkpoint != null && value.compareTo(checkpoint) <= 0) {
            return false;
        }
        if (maxCursor == null || value.compareTo(maxCursor) > 0) {
            maxCursor = value;
        }
        return true;
    }

    private void spool(Object record) {
        try {
            out.write(json.writeValueAsString(record));
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        records++;
    }

    /** Records kept whose cursor was empty or could not be compared with the checkpoint. */
    long uncursored() {
        return uncursored;
    }

    /** Records kept (newer than the checkpoint). */
    long records() {
        return records;
    }

    /** Records received, kept or not. */
    long seen() {
        return seen;
    }

    /** The largest cursor value seen, or the checkpoint when no record had a newer one. */
    String maxCursor() {
        return maxCursor == null ? null : maxCursor.text();
    }

    List<String> columns() {
        return header != null ? header : List.copyOf(columns);
    }

    /** Writes the CSV: the header (sorted, or the file's), then each record in the order it arrived. */
    void writeCsv(OutputStream target) throws IOException {
        out.flush();
        CsvWriter csv = new CsvWriter(target, ',');
        if (this.header != null) {
            csv.trusted(this.header).endRow();
            try (BufferedReader in = Files.newBufferedReader(spool, StandardCharsets.UTF_8)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    csv.trusted(json.readValue(line, CELLS)).endRow();
                }
            }
            csv.flush();
            return;
        }
        List<String> header = new ArrayList<>(columns);
        csv.untrusted(header).endRow();
        try (BufferedReader in = Files.newBufferedReader(spool, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Map<String, String> row = json.readValue(line, ROW);
                List<String> cells = new ArrayList<>(header.size());
                for (String column : header) {
                    cells.add(row.getOrDefault(column, ""));
                }
                csv.untrusted(cells).endRow();
            }
        }
        csv.flush();
    }

    @Override
    public void close() throws IOException {
        // Closing flushes, and a full disk fails that flush: the spool goes all the same.
        try {
            out.close();
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    private static String scalar(com.fasterxml.jackson.databind.JsonNode node) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        if (node.isNumber()) {
            return node.decimalValue().toPlainString();
        }
        return node.asText();
    }

    /** A JSON object flattened: nested objects as {@code a.b}, arrays as their JSON text, null as empty. */
    static Map<String, String> flatten(ObjectMapper json, com.fasterxml.jackson.databind.JsonNode node) {
        Map<String, String> flat = new LinkedHashMap<>();
        flatten(json, "", node, flat);
        return flat;
    }

    private static void flatten(ObjectMapper json, String prefix, com.fasterxml.jackson.databind.JsonNode node,
            Map<String, String> flat) {
        if (node.isObject()) {
            if (node.isEmpty() && !prefix.isEmpty()) {
                flat.put(prefix, "");
            }
            node.properties().forEach(e -> flatten(json, prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
                    e.getValue(), flat));
        } else if (node.isArray()) {
            try {
                flat.put(prefix.isEmpty() ? "value" : prefix, json.writeValueAsString(node));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else if (node.isNull() || node.isMissingNode()) {
            flat.put(prefix.isEmpty() ? "value" : prefix, "");
        } else {
            flat.put(prefix.isEmpty() ? "value" : prefix, scalar(node));
        }
    }
}
