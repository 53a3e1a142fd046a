package dev.sluice.application.export;

import dev.sluice.application.port.RecordRepository.StoredError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes errors.csv: the file's header, then for each rejected record (in record order) its row as it was in the file
 * followed by what was wrong with it. A record with several problems is one row; its columns, codes and messages are
 * joined with {@value #JOIN} in the order they were found.
 *
 * <p>A record is found in the kept file by the line it starts on, which every row error stores; the records of a
 * dead chunk after its first store none and are found by counting on from the record before them. Where the file is
 * gone (the bucket's lifecycle removes uploads after 30 days), or a record cannot be found in it, the row is
 * rebuilt from the excerpt stored with the error: the offending value in its column, or for a record-level problem
 * the stored text split at the delimiter. {@link #fromExcerpts()} counts those rows.
 *
 * <p>Width: the header's columns, then the four error columns (a header that has a column of that name already, as a
 * fixed errors.csv uploaded again does, gets it filled in instead of a second one). A record with fewer values than
 * the header is filled with empty cells; one with more keeps the extra values after the error columns.
 */
final class ErrorsCsv {
    static final List<String> ERROR_COLUMNS = List.of("error_line", "error_column", "error_code", "error_message");
    static final String JOIN = " | ";

    private final List<String> header;
    private final char delimiter;
    private final CsvWriter csv;
    private final FileRecords file;
    /** Where each of {@link #ERROR_COLUMNS} goes in an output row. */
    private final int[] errorIndex = new int[ERROR_COLUMNS.size()];
    private final int width;
    private long anchorRecordNo = -1;
    private long anchorIndex;
    private long fromFile;
    private long fromExcerpts;

    /** @param file the kept file, or null when it is gone */
    ErrorsCsv(List<String> header, char delimiter, CsvWriter csv, FileRecords file) {
        this.header = List.copyOf(header);
        this.delimiter = delimiter;
        this.csv = csv;
        this.file = file;
        int next = header.size();
        for (int k = 0; k < ERROR_COLUMNS.size(); k++) {
            int existing = header.indexOf(ERROR_COLUMNS.get(k));
            errorIndex[k] = existing >= 0 ? existing : next++;
        }
        this.width = next;
    }

    void writeHeader() {
        String[] names = new String[width];
        for (int i = 0; i < header.size(); i++) {
            names[i] = header.get(i);
        }
        for (int k = 0; k < errorIndex.length; k++) {
            names[errorIndex[k]] = ERROR_COLUMNS.get(k);
        }
        // The header's names are the file's own text: a spreadsheet would run "=x" there as well.
        for (int i = 0; i < width; i++) {
            if (i < header.size()) {
                csv.untrusted(names[i]);
            } else {
                csv.trusted(names[i]);
            }
        }
        csv.endRow();
    }

    /** Writes the row of one rejected record from its problems (all of one record number, in order). */
    void write(List<StoredError> problems) throws IOException {
        StoredError first = problems.get(0);
        List<String> values = file == null ? null : find(first);
        Long line = first.lineNo();
        if (values == null) {
            values = fromExcerpt(problems);
            fromExcerpts++;
        } else {
            line = file.line();
            fromFile++;
        }
        String[] cells = new String[width];
        boolean[] trusted = new boolean[width];
        for (int i = 0; i < header.size(); i++) {
            cells[i] = i < values.size() ? values.get(i) : "";
        }
        cells[errorIndex[0]] = line == null ? "" : Long.toString(line);
        trusted[errorIndex[0]] = true;
        cells[errorIndex[1]] = joined(problems, Part.COLUMN);
        cells[errorIndex[2]] = joined(problems, Part.CODE);
        trusted[errorIndex[2]] = true;
        cells[errorIndex[3]] = joined(problems, Part.MESSAGE);
        trusted[errorIndex[3]] = true;
        for (int i = 0; i < width; i++) {
            String cell = cells[i] == null ? "" : cells[i];
            if (trusted[i]) {
                csv.trusted(cell);
            } else {
                csv.untrusted(cell);
            }
        }
        for (int i = header.size(); i < values.size(); i++) {
            csv.untrusted(values.get(i));
        }
        csv.endRow();
    }

    /** The record's values from the file, or null when it is not there. */
    private List<String> find(StoredError first) throws IOException {
        boolean found;
        if (first.lineNo() != null) {
            found = file.moveToLine(first.lineNo());
        } else if (anchorRecordNo > 0) {
            long ahead = anchorIndex + (first.recordNo() - anchorRecordNo) - file.index();
            found = ahead > 0 && file.skip(ahead);
        } else {
            found = false;
        }
        if (!found) {
            return null;
        }
        anchorRecordNo = first.recordNo();
        anchorIndex = file.index();
        return file.values();
    }

    private List<String> fromExcerpt(List<StoredError> problems) {
        String[] row = new String[header.size()];
        Arrays.fill(row, "");
        List<String> overflow = new ArrayList<>();
        for (StoredError problem : problems) {
            String excerpt = problem.rawExcerpt();
            if (excerpt == null) {
                continue;
            }
            int column = problem.column() == null ? -1 : columnOf(problem.column());
            if (column >= 0) {
                row[column] = excerpt;
            } else if (problem.column() == null) {
                String[] parts = excerpt.split(java.util.regex.Pattern.quote(String.valueOf(delimiter)), -1);
                for (int i = 0; i < parts.length; i++) {
                    if (i < row.length) {
                        row[i] = parts[i];
                    } else {
                        overflow.add(parts[i]);
                    }
                }
            }
        }
        List<String> values = new ArrayList<>(Arrays.asList(row));
        values.addAll(overflow);
        return values;
    }

    private int columnOf(String column) {
        int index = header.indexOf(column);
        for (int i = 0; index < 0 && i < header.size(); i++) {
            if (header.get(i).trim().equalsIgnoreCase(column.trim())) {
                index = i;
            }
        }
        return index;
    }

    private enum Part { COLUMN, CODE, MESSAGE }

    private static String joined(List<StoredError> problems, Part part) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < problems.size(); i++) {
            StoredError problem = problems.get(i);
            if (i > 0) {
                text.append(JOIN);
            }
            String value = switch (part) {
                case COLUMN -> problem.column();
                case CODE -> problem.code();
                case MESSAGE -> problem.message();
            };
            text.append(value == null ? "" : value);
        }
        return text.toString();
    }

    long fromFile() {
        return fromFile;
    }

    long fromExcerpts() {
        return fromExcerpts;
    }
}
