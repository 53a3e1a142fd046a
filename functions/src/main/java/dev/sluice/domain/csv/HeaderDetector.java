package dev.sluice.domain.csv;

import dev.sluice.domain.dataset.DatasetKind;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Finds a file's delimiter and header record in its first bytes, with the same record scanner the splitter uses.
 *
 * <p>Delimiter: of {@code , ; TAB |}, the one under which most of the first records have the same field count
 * (the most common count of at least two fields); ties go to the one giving more fields, then to the order listed.
 * Excel's {@code sep=;} first line names it instead, and is not a record.
 *
 * <p>Header: found by its shape. Reports exported by ad platforms and spreadsheets often start with a preamble (a
 * title, a date range, blank lines) before the real header; a leading record is preamble when fewer than two of
 * its values, or fewer than half of the data's field count, are non-empty (a title padded with empty cells by a
 * spreadsheet included). The first record that is not preamble is the header; a dataset may pin the header's line
 * instead.
 *
 * <p>Names: every column gets a stable, visible name, so that it can be addressed (and,
 * in a raw dataset, stored) by name:
 * <ul>
 *   <li>a marketing dataset trims names and compares them ignoring case (mappings name columns in any case); a raw
 *       dataset keeps each name exactly as written (quotes removed) and compares exactly, since its names are the
 *       keys of the stored records;</li>
 *   <li>a blank name (empty, or only spaces) becomes {@code column_N}, N its 1-based position;</li>
 *   <li>a name seen before in the header gets {@code _2}, {@code _3}, ... in file order, skipping any suffix that is
 *       itself a name in the header, so a column literally named {@code amount_2} keeps its name.</li>
 * </ul>
 */
final class HeaderDetector {
    private static final char[] DELIMITERS = {',', ';', '\t', '|'};
    private static final int DELIMITER_SAMPLE_BYTES = 64 * 1024;
    private static final int DELIMITER_SAMPLE_RECORDS = 100;
    /** At most this many records are skipped as preamble; a longer run of them is data of another shape. */
    private static final int MAX_PREAMBLE_RECORDS = 50;
    /** Records looked at for the shape of the data: the preamble plus the first data records. */
    private static final int SHAPE_SAMPLE_RECORDS = MAX_PREAMBLE_RECORDS + 30;
    private static final int PREAMBLE_TEXT_KEPT = 10;
    private static final int PREAMBLE_TEXT_CHARS = 200;

    /**
     * @param names           the header's column names, made unique
     * @param dataStart       absolute offset just past the header record's line terminator
     * @param dataStartLine   physical line (1-based) that starts at {@code dataStart}
     * @param headerLine      physical line (1-based) where the header starts
     * @param preambleRecords records before the header that were skipped as preamble
     * @param preamble        the first of those records' text, each cut to 200 characters
     */
    record Header(List<String> names, long dataStart, long dataStartLine, long headerLine, int preambleRecords,
            List<String> preamble) {
    }

    /** Excel's first line {@code sep=X}: the delimiter it names and the offset just past the line. */
    record SepLine(char delimiter, int end) {
    }

    private HeaderDetector() {
    }

    /**
     * Excel's {@code sep=;} (also {@code "sep=;"}, any letter case, the delimiter possibly repeated by a
     * spreadsheet that padded the line) on the line starting at {@code from}; null when that line is anything else.
     */
    static SepLine sepLine(byte[] prefix, int from, int length, RecordScanner.Units units) {
        int width = units.width();
        StringBuilder line = new StringBuilder();
        int at = from;
        while (at + width <= length && line.length() < 40) {
            int c = unit(prefix, at, units);
            if (c == '\r' || c == '\n') {
                break;
            }
            line.append((char) c);
            at += width;
        }
        if (line.length() >= 40) {
            return null;
        }
        String text = line.toString().replace("\"", "").strip();
        if (text.length() < 5 || !text.regionMatches(true, 0, "sep=", 0, 4)) {
            return null;
        }
        char delimiter = text.charAt(4);
        for (int i = 5; i < text.length(); i++) {
            if (text.charAt(i) != delimiter) {
                return null;
            }
        }
        if (delimiter == '"' || delimiter == '\r' || delimiter == '\n' || delimiter > 0x7E || delimiter == ' ') {
            return null;
        }
        if (at + width <= length && unit(prefix, at, units) == '\r') {
            at += width;
        }
        if (at + width <= length && unit(prefix, at, units) == '\n') {
            at += width;
        }
        return new SepLine(delimiter, at);
    }

    static char detectDelimiter(byte[] prefix, int from, int length, boolean complete, char quote,
            RecordScanner.Units units) {
        int to = Math.min(length, from + DELIMITER_SAMPLE_BYTES);
        boolean whole = complete && to == length;
        char best = ',';
        double bestScore = -1;
        int bestFields = 0;
        for (char candidate : DELIMITERS) {
            Sampler sample = new Sampler(candidate, quote, units, 1, DELIMITER_SAMPLE_RECORDS);
            sample.scanUntilFull(prefix, from, to, whole);
            int fields = sample.commonFieldCount();
            if (fields < 2) {
                continue;
            }
            int consistent = 0;
            int compared = 0;
            for (int i = 0; i < sample.count; i++) {
                if (sample.ends[i] >= 0) {
                    compared++;
                    if (sample.fields[i] == fields) {
                        consistent++;
                    }
                }
            }
            double score = compared == 0 ? 1.0 : (double) consistent / compared;
            if (score > bestScore || (score == bestScore && fields > bestFields)) {
                best = candidate;
                bestScore = score;
                bestFields = fields;
            }
        }
        return best;
    }

    /**
     * Finds the header in {@code [from, length)}: on {@code pinnedLine} when it is above 0, else the first record
     * that is not preamble.
     *
     * @param firstLine  the physical line {@code from} is on (2 after a {@code sep=} line)
     * @param pinnedLine the dataset's header row (1-based physical line), or 0 to find it by its shape
     * @param kind       the dataset's kind, whose rule names the columns
     */
    static Header find(byte[] prefix, int from, long firstLine, int length, boolean complete, char delimiter,
            char quote, RecordScanner.Units units, Charset charset, long pinnedLine, DatasetKind kind)
            throws FileRejectedException {
        Sampler sample = new Sampler(delimiter, quote, units, firstLine, SHAPE_SAMPLE_RECORDS);
        sample.scanUntilFull(prefix, from, length, complete);
        if (sample.count == 0) {
            throw new FileRejectedException(FileRejectedException.EMPTY_FILE, complete
                    ? "the file holds no data, only " + (length > from ? "blank lines" : "a byte-order mark")
                            + "; the first line must be a header such as Date,Campaign,Channel,Spend"
                    : "the first " + length + " bytes of the file hold only blank lines; remove them so the "
                            + "header is the first line");
        }
        int header = 0;
        if (pinnedLine > 0) {
            header = -1;
            for (int i = 0; i < sample.count && header < 0; i++) {
                if (sample.lines[i] == pinnedLine) {
                    header = i;
                }
            }
            if (header < 0) {
                throw new FileRejectedException(FileRejectedException.HEADER_NOT_FOUND, "the dataset's header row "
                        + "is line " + pinnedLine + ", but no record starts on that line within the first "
                        + SHAPE_SAMPLE_RECORDS + " records (it is blank, inside a quoted value, or further down); "
                        + "set the header row to the line the column names are on, or to 0 to find it by its shape");
            }
        } else {
            int fields = sample.commonFieldCount();
            while (fields >= 2 && header < Math.min(MAX_PREAMBLE_RECORDS, sample.count - 1)
                    && sample.ends[header] >= 0
                    && isPreamble(recordValues(prefix, sample, header, delimiter, quote, charset), fields)) {
                header++;
            }
            if (header == Math.min(MAX_PREAMBLE_RECORDS, sample.count - 1) && header > 0
                    && sample.fields[header] < 2) {
                header = 0; // no record looks like a header: read the file as it comes, as always
            }
        }
        List<String> preamble = new ArrayList<>();
        for (int i = 0; i < header && i < PREAMBLE_TEXT_KEPT; i++) {
            String text = Spaces.trim(EncodingDetector.decode(prefix, (int) sample.starts[i], (int) sample.ends[i],
                    charset));
            preamble.add(text.length() > PREAMBLE_TEXT_CHARS ? text.substring(0, PREAMBLE_TEXT_CHARS - 3) + "..."
                    : text);
        }
        long headerStart = sample.starts[header];
        long dataStart;
        if (sample.ends[header] < 0) {
            if (!complete) {
                throw new FileRejectedException(FileRejectedException.HEADER_TOO_LONG, "the header (line "
                        + sample.lines[header] + ") does not end within the first " + length + " bytes; check that "
                        + "the file is a CSV with one header line, and that no quote (\") in it is left open");
            }
            dataStart = length;
        } else {
            dataStart = sample.ends[header];
            int width = units.width();
            if (unit(prefix, (int) dataStart - width, units) == '\r' && dataStart + width <= length
                    && unit(prefix, (int) dataStart, units) == '\n') {
                dataStart += width;
            }
        }
        long dataStartLine = firstLine + terminators(prefix, from, (int) dataStart, units);
        long[] badAt = new long[2];
        String headerText = EncodingDetector.decodeStrictly(prefix, (int) headerStart, (int) dataStart, charset,
                badAt);
        if (headerText == null) {
            throw new FileRejectedException(FileRejectedException.HEADER_ENCODING, String.format(Locale.ROOT,
                    "the header (line %d) holds byte 0x%02X at byte %d, which is not valid %s, the encoding %s for "
                    + "this file, so its column names cannot be read; save the file as CSV UTF-8, or set the "
                    + "dataset's encoding (e.g. windows-1252) and import again", sample.lines[header], badAt[1],
                    badAt[0], charset.name(), "chosen"));
        }
        return new Header(headerNames(headerText, delimiter, quote, kind), dataStart, dataStartLine,
                sample.lines[header], header, preamble);
    }

    /** A preamble record: fewer than two non-empty values, or fewer than half of the data's field count. */
    private static boolean isPreamble(List<String> values, int dataFields) {
        int nonEmpty = 0;
        for (String value : values) {
            if (!Spaces.isBlank(value)) {
                nonEmpty++;
            }
        }
        return nonEmpty < 2 || nonEmpty * 2 < dataFields;
    }

    private static List<String> recordValues(byte[] prefix, Sampler sample, int index, char delimiter, char quote,
            Charset charset) {
        String text = EncodingDetector.decode(prefix, (int) sample.starts[index], (int) sample.ends[index], charset);
        try (CSVParser parser = CsvFormats.of(delimiter, quote).parse(new StringReader(text))) {
            List<CSVRecord> records = parser.getRecords();
            return records.isEmpty() ? List.of() : records.get(0).toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    private static List<String> headerNames(String headerText, char delimiter, char quote, DatasetKind kind)
            throws FileRejectedException {
        List<String> raw;
        try (CSVParser parser = CsvFormats.of(delimiter, quote).parse(new StringReader(headerText))) {
            List<CSVRecord> records = parser.getRecords();
            if (records.isEmpty()) {
                throw new FileRejectedException(FileRejectedException.EMPTY_FILE, "the file has no header line");
            }
            raw = records.get(0).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return uniqueNames(raw, kind);
    }

    /** The names of a header's cells by the rule in the class comment. */
    static List<String> uniqueNames(List<String> cells, DatasetKind kind) {
        boolean exact = kind == DatasetKind.RAW;
        List<String> names = new ArrayList<>(cells.size());
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < cells.size(); i++) {
            String name = exact ? cells.get(i) : Spaces.trim(cells.get(i).replace("\uFEFF", ""));
            if (Spaces.isBlank(name)) {
                name = "column_" + (i + 1);
            }
            names.add(name);
            taken.add(exact ? name : name.toLowerCase(Locale.ROOT));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (seen.add(exact ? name : name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            String renamed;
            int n = 2;
            do {
                renamed = name + "_" + n++;
            } while (!taken.add(exact ? renamed : renamed.toLowerCase(Locale.ROOT)));
            seen.add(exact ? renamed : renamed.toLowerCase(Locale.ROOT));
            names.set(i, renamed);
        }
        return names;
    }

    /** Records the first few records' positions and field counts; scans in blocks and stops once it has them. */
    private static final class Sampler extends RecordScanner {
        final long[] starts;
        final long[] ends;
        final int[] fields;
        final long[] lines;
        int count;
        private final int wanted;
        private final RecordScanner.Units units;

        Sampler(char delimiter, char quote, RecordScanner.Units units, long firstLine, int wanted) {
            super(delimiter, quote, units, firstLine);
            this.units = units;
            this.wanted = wanted;
            starts = new long[wanted];
            ends = new long[wanted];
            fields = new int[wanted];
            lines = new long[wanted];
        }

        /** The most common field count of at least two among the whole records, else 1 (or 0 for none). */
        int commonFieldCount() {
            java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
            int best = 0;
            int bestCount = 0;
            for (int i = 0; i < count; i++) {
                if (ends[i] < 0) {
                    continue;
                }
                int n = counts.merge(fields[i], 1, Integer::sum);
                boolean wide = fields[i] >= 2;
                boolean bestWide = best >= 2;
                if (wide && !bestWide || wide == bestWide && (n > bestCount || n == bestCount && fields[i] > best)) {
                    best = fields[i];
                    bestCount = n;
                }
            }
            return best;
        }

        void scanUntilFull(byte[] buf, int from, int to, boolean endOfInput) {
            int block = 4096 * units.width();
            int at = from;
            while (at < to && !(count == wanted && ends[wanted - 1] >= 0)) {
                int n = Math.min(block, to - at);
                scan(buf, at, n, at);
                at += n;
            }
            if (at == to && endOfInput) {
                endOfInput(to);
            }
        }

        @Override
        protected void recordStarted(long position, long line) {
            if (count < wanted) {
                lines[count] = line;
                starts[count] = position;
                ends[count] = -1;
                count++;
            }
        }

        @Override
        protected void recordEnded(long endPosition, int fieldCount) {
            int index = count - 1;
            if (index >= 0 && ends[index] < 0) {
                ends[index] = endPosition;
                fields[index] = fieldCount;
            }
        }
    }

    private static int unit(byte[] b, int at, RecordScanner.Units units) {
        return switch (units) {
            case SINGLE_BYTE -> b[at] & 0xFF;
            case UTF16_LE -> (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
            case UTF16_BE -> (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
        };
    }

    private static long terminators(byte[] b, int from, int to, RecordScanner.Units units) {
        long count = 0;
        int previous = -1;
        for (int i = from; i + units.width() <= to; i += units.width()) {
            int c = unit(b, i, units);
            if (c == '\r' || (c == '\n' && previous != '\r')) {
                count++;
            }
            previous = c;
        }
        return count;
    }
}
