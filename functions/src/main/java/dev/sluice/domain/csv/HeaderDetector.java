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
 * <p>Delimiter: of {@code , ; TAB |}, the one whose header has more than one field and whose first records most
 * often have the header's field count; ties go to the one giving more fields, then to the order listed.
 *
 * <p>Header: the first non-blank record. Every column gets a stable, visible name, so that it can be addressed (and,
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

    /**
     * @param names         the header's column names, made unique
     * @param dataStart     absolute offset just past the header record's line terminator
     * @param dataStartLine physical line (1-based) that starts at {@code dataStart}
     */
    record Header(List<String> names, long dataStart, long dataStartLine) {
    }

    private HeaderDetector() {
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
            if (sample.count == 0) {
                continue;
            }
            int headerFields = sample.fields[0];
            if (headerFields < 2) {
                continue;
            }
            int consistent = 0;
            int compared = 0;
            for (int i = 1; i < sample.count; i++) {
                if (sample.ends[i] >= 0) {
                    compared++;
                    if (sample.fields[i] == headerFields) {
                        consistent++;
                    }
                }
            }
            double score = compared == 0 ? 1.0 : (double) consistent / compared;
            if (score > bestScore || (score == bestScore && headerFields > bestFields)) {
                best = candidate;
                bestScore = score;
                bestFields = headerFields;
            }
        }
        return best;
    }

    /** Finds the first non-blank record of {@code [bomLength, length)} and reads its names. */
    static Header find(byte[] prefix, int bomLength, int length, boolean complete, char delimiter, char quote,
            RecordScanner.Units units, Charset charset) throws FileRejectedException {
        return find(prefix, bomLength, length, complete, delimiter, quote, units, charset, DatasetKind.MARKETING);
    }

    /** As above, naming the columns by the rule of the dataset's kind. */
    static Header find(byte[] prefix, int bomLength, int length, boolean complete, char delimiter, char quote,
            RecordScanner.Units units, Charset charset, DatasetKind kind) throws FileRejectedException {
        Sampler headerScan = new Sampler(delimiter, quote, units, 1, 1);
        headerScan.scanUntilFull(prefix, bomLength, length, complete);
        if (headerScan.count == 0) {
            throw new FileRejectedException(FileRejectedException.EMPTY_FILE, complete
                    ? "the file holds no data, only " + (length > bomLength ? "blank lines" : "a byte-order mark")
                            + "; the first line must be a header such as Date,Campaign,Channel,Spend"
                    : "the first " + length + " bytes of the file hold only blank lines; remove them so the "
                            + "header is the first line");
        }
        long headerStart = headerScan.starts[0];
        long dataStart;
        if (headerScan.ends[0] < 0) {
            if (!complete) {
                throw new FileRejectedException(FileRejectedException.HEADER_TOO_LONG, "the header (first line) "
                        + "does not end within the first " + length + " bytes; check that the file is a CSV "
                        + "with one header line, and that no quote (\") in it is left open");
            }
            dataStart = length;
        } else {
            dataStart = headerScan.ends[0];
            int width = units.width();
            if (unit(prefix, (int) dataStart - width, units) == '\r' && dataStart + width <= length
                    && unit(prefix, (int) dataStart, units) == '\n') {
                dataStart += width;
            }
        }
        long dataStartLine = 1 + terminators(prefix, bomLength, (int) dataStart, units);
        String headerText = EncodingDetector.decode(prefix, (int) headerStart, (int) dataStart, charset);
        return new Header(headerNames(headerText, delimiter, quote, kind), dataStart, dataStartLine);
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
