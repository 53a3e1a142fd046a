package dev.sluice.domain.validation;

import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.csv.CsvRecordReader;
import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.transform.BoundTransforms;
import dev.sluice.domain.transform.ExpressionException;
import dev.sluice.domain.transform.Transforms;
import dev.sluice.domain.transform.Values;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one chunk of a raw dataset: every record is kept as the exact strings of the file, keyed by the header's
 * names, in header order. Nothing is trimmed, converted or required.
 *
 * <p>The rule for a record whose size differs from the header's: fewer values than the header is fine, the missing
 * trailing ones are stored as {@code ""} (spreadsheets drop empty cells at the end of a row); more values than the
 * header is a FIELD_COUNT row error that quotes the extra values, since there is no name to keep them under.
 * Records that cannot be read at all (an unclosed quote, too long, bytes that are not text in the file's encoding)
 * and values holding U+0000 are rejected exactly as in a marketing dataset.
 *
 * <p>Accounting is {@link ChunkReader}'s: every record the planner counted reaches the sink once, accepted or
 * rejected, and a disagreement with the plan fails the chunk.
 */
final class RawChunkReader {
    /** Extra values quoted in a FIELD_COUNT message; the rest are counted. */
    private static final int QUOTED_EXTRAS = 5;
    private static final int QUOTED_VALUE_CHARS = 60;

    private RawChunkReader() {
    }

    static ChunkOutcome read(InputStream chunkBytes, ChunkMessage chunk, RecordSink sink) {
        Dialect dialect = chunk.dialect();
        List<String> names = dialect.header();
        Transforms transforms = chunk.mapping().transforms();
        if (!transforms.isEmpty()) {
            Transformed transformed = new Transformed(names, BoundTransforms.bind(transforms, names, Map.of()));
            return ChunkReader.readRecords(chunkBytes, chunk, sink, (record, recordNo, lineNo, into) ->
                    transformed.keep(record, dialect, recordNo, lineNo, into));
        }
        return ChunkReader.readRecords(chunkBytes, chunk, sink,
                (record, recordNo, lineNo, into) -> keep(record, names, dialect, recordNo, lineNo, into));
    }

    /**
     * A raw record through the mapping's transformations: a transformed column's value is its rule's result as text
     * (null as {@code ""}), and each calculated column is added after the header's columns (or replaces the column
     * of the same name). Rules read the record's values as the file has them. Kept apart so that datasets without
     * transformations pay nothing.
     */
    private static final class Transformed {
        private final int headerSize;
        private final List<String> names;
        private final BoundTransforms.Rule[] rules;

        Transformed(List<String> header, BoundTransforms bound) {
            List<String> all = new ArrayList<>(header);
            List<BoundTransforms.Rule> byIndex = new ArrayList<>();
            for (String name : header) {
                byIndex.add(bound.field(name));
            }
            for (BoundTransforms.Rule rule : bound.calculated()) {
                int existing = all.indexOf(rule.name());
                if (existing >= 0) {
                    byIndex.set(existing, rule);
                } else {
                    all.add(rule.name());
                    byIndex.add(rule);
                }
            }
            this.headerSize = header.size();
            this.names = List.copyOf(all);
            this.rules = byIndex.toArray(BoundTransforms.Rule[]::new);
        }

        List<RowError> keep(CsvRecordReader record, Dialect dialect, long recordNo, long lineNo, RecordSink sink) {
            List<RowError> errors = RawChunkReader.check(record, names.subList(0, headerSize), dialect, recordNo,
                    lineNo);
            if (errors != null) {
                return errors;
            }
            int size = record.size();
            BoundTransforms.Cells cells = i -> i < size ? record.get(i) : "";
            String[] values = new String[names.size()];
            for (int i = 0; i < values.length; i++) {
                BoundTransforms.Rule rule = rules[i];
                if (rule == null) {
                    values[i] = cells.get(i);
                    continue;
                }
                try {
                    String value = Values.text(rule.apply(cells));
                    values[i] = value == null ? "" : value;
                } catch (ExpressionException e) {
                    if (errors == null) {
                        errors = new ArrayList<>(1);
                    }
                    String column = names.get(i);
                    errors.add(new RowError(recordNo, lineNo, column, RowErrorCode.TRANSFORM_FAILED, "record "
                            + recordNo + " (line " + lineNo + "), column \"" + column + "\": could not be "
                            + (i < headerSize ? "transformed" : "calculated") + ": " + e.getMessage(),
                            i < headerSize ? cells.get(i) : ""));
                }
            }
            if (errors != null) {
                return errors;
            }
            sink.accept(new RawRecord(recordNo, lineNo, names, List.of(values)));
            return null;
        }
    }

    /** The errors of a record that cannot be kept whatever its transformations: too many values, a NUL; or null. */
    private static List<RowError> check(CsvRecordReader record, List<String> names, Dialect dialect, long recordNo,
            long lineNo) {
        if (record.size() > names.size()) {
            return List.of(new RowError(recordNo, lineNo, null, RowErrorCode.FIELD_COUNT,
                    tooManyValues(record, names.size(), recordNo, lineNo, dialect.delimiter()),
                    ChunkReader.raw(record, dialect)));
        }
        List<RowError> errors = null;
        for (int i = 0; i < record.size(); i++) {
            String value = record.get(i);
            int nul = value.indexOf('\0');
            if (nul >= 0) {
                if (errors == null) {
                    errors = new ArrayList<>(1);
                }
                errors.add(nulError(recordNo, lineNo, names.get(i), value, nul));
            }
        }
        return errors;
    }

    private static RowError nulError(long recordNo, long lineNo, String column, String value, int nul) {
        return new RowError(recordNo, lineNo, column, RowErrorCode.INVALID_TEXT, "record "
                + recordNo + " (line " + lineNo + "), column \"" + column + "\": the value \""
                + RowError.excerpt(value) + "\" contains a NUL character (U+0000, byte 0x00) at character "
                + (nul + 1) + ", which cannot be stored as text; remove it from the file", value);
    }

    /** Accepts the record into the sink and returns null, or returns its errors. */
    private static List<RowError> keep(CsvRecordReader record, List<String> names, Dialect dialect, long recordNo,
            long lineNo, RecordSink sink) {
        int size = record.size();
        if (size > names.size()) {
            return List.of(new RowError(recordNo, lineNo, null, RowErrorCode.FIELD_COUNT,
                    tooManyValues(record, names.size(), recordNo, lineNo, dialect.delimiter()),
                    ChunkReader.raw(record, dialect)));
        }
        String[] values = new String[names.size()];
        List<RowError> errors = null;
        for (int i = 0; i < values.length; i++) {
            String value = i < size ? record.get(i) : "";
            int nul = value.indexOf('\0');
            if (nul >= 0) {
                if (errors == null) {
                    errors = new ArrayList<>(1);
                }
                errors.add(new RowError(recordNo, lineNo, names.get(i), RowErrorCode.INVALID_TEXT, "record "
                        + recordNo + " (line " + lineNo + "), column \"" + names.get(i) + "\": the value \""
                        + RowError.excerpt(value) + "\" contains a NUL character (U+0000, byte 0x00) at character "
                        + (nul + 1) + ", which cannot be stored as text; remove it from the file", value));
            }
            values[i] = value;
        }
        if (errors != null) {
            return errors;
        }
        sink.accept(new RawRecord(recordNo, lineNo, names, List.of(values)));
        return null;
    }

    private static String tooManyValues(CsvRecordReader record, int columns, long recordNo, long lineNo,
            char delimiter) {
        int extra = record.size() - columns;
        StringBuilder quoted = new StringBuilder();
        for (int i = 0; i < Math.min(extra, QUOTED_EXTRAS); i++) {
            if (i > 0) {
                quoted.append(i == extra - 1 ? " and " : ", ");
            }
            String value = record.get(columns + i);
            quoted.append('"').append(value.length() > QUOTED_VALUE_CHARS
                    ? value.substring(0, QUOTED_VALUE_CHARS) + "..." : value).append('"');
        }
        if (extra > QUOTED_EXTRAS) {
            quoted.append(" and ").append(extra - QUOTED_EXTRAS).append(" more");
        }
        boolean trailingEmpty = record.get(record.size() - 1).isEmpty();
        return "record " + recordNo + " (line " + lineNo + ") has " + record.size() + " values but the header has "
                + columns + (columns == 1 ? " column" : " columns") + "; the extra "
                + (extra == 1 ? "value is " : "values are ") + quoted + ". Values beyond the header have no name to "
                + "be stored under: quote a value that contains the delimiter (" + name(delimiter) + ")"
                + (trailingEmpty ? ", or remove the delimiter at the end of the line" : "")
                + ", or add the missing column to the header";
    }

    private static String name(char delimiter) {
        return switch (delimiter) {
            case '\t' -> "tab";
            case ',' -> "comma";
            case ';' -> "semicolon";
            default -> String.valueOf(delimiter);
        };
    }
}
