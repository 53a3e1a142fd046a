package dev.sluice.domain.csv;

import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.HeaderMatcher;
import dev.sluice.domain.mapping.Mapping;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Works out a file's dialect, header, mapping and number style from its first bytes, once per run, before any
 * chunk is planned. Everything that makes the whole file unusable is rejected here, so that no chunk of a
 * hopeless file is ever loaded.
 *
 * <p>Decisions, in order:
 * <ol>
 *   <li><b>Encoding.</b> A byte-order mark decides (UTF-8, UTF-16LE, UTF-16BE). Without one the file is UTF-8 if
 *       the prefix is valid UTF-8 (a sequence cut by the end of an incomplete prefix is fine) or if most of its
 *       bytes above 0x7F form valid UTF-8 sequences (the rest are bad bytes, rejected record by record by the
 *       loader); otherwise windows-1252, which is what Excel on Windows writes. NUL bytes outside UTF-16 mean the
 *       file is not text.</li>
 *   <li><b>Delimiter.</b> Of {@code , ; TAB |}, the one whose header has more than one field and whose first
 *       records most often have the header's field count; ties go to the one giving more fields, then to the
 *       order listed.</li>
 *   <li><b>Header.</b> The first non-blank record. Names are trimmed; a blank name becomes {@code column_N}
 *       (N = its 1-based position) and a repeated name (compared ignoring case) gets {@code _2}, {@code _3},
 *       ... in file order, so that every column can be addressed by name.</li>
 *   <li><b>Mapping.</b> {@link HeaderMatcher#suggest(List)}, overridden field by field by the requested
 *       mapping.</li>
 *   <li><b>Number style.</b> Votes from the mapped numeric columns of the records in the prefix: {@code 1,234.56}
 *       or {@code 12.5} vote US, {@code 1.234,56} or {@code 0,75} vote EUROPEAN, {@code 1,234} and
 *       {@code 1.234} do not vote. The majority wins; with no votes or a tie, a semicolon-delimited file is taken
 *       as EUROPEAN (spreadsheets pick {@code ;} exactly where the comma is the decimal mark) and any other as
 *       US.</li>
 * </ol>
 */
public final class FileProfiler {
    /** How much of the object the caller passes; the header must end within it. */
    public static final int PROFILE_BYTES = 1 << 20;

    private static final char QUOTE = '"';
    private static final char[] DELIMITERS = {',', ';', '\t', '|'};
    private static final int DELIMITER_SAMPLE_BYTES = 64 * 1024;
    private static final int DELIMITER_SAMPLE_RECORDS = 100;
    private static final int STYLE_SAMPLE_RECORDS = 2000;
    private static final List<CanonicalField> NUMERIC_FIELDS = List.of(
            CanonicalField.SPEND, CanonicalField.CONVERSIONS, CanonicalField.CLICKS, CanonicalField.IMPRESSIONS);

    private FileProfiler() {
    }

    /**
     * @param prefix    the first bytes of the object
     * @param length    how many bytes of {@code prefix} are valid
     * @param complete  true when those bytes are the whole object
     * @param requested a mapping chosen by the user (header names, any letter case), or null to suggest one
     */
    public static FileProfile profile(byte[] prefix, int length, boolean complete, Mapping requested)
            throws FileRejectedException {
        if (length < 0 || length > prefix.length) {
            throw new IllegalArgumentException("length " + length + " outside 0.." + prefix.length);
        }
        if (length == 0) {
            throw new FileRejectedException(FileRejectedException.EMPTY_FILE,
                    complete ? "the file is empty (0 bytes); export the report again and upload the CSV file"
                            : "no bytes could be read from the start of the file");
        }
        rejectKnownBinaryFormats(prefix, length);
        int bomLength = 0;
        String encoding;
        if (startsWith(prefix, length, 0xEF, 0xBB, 0xBF)) {
            encoding = "UTF-8";
            bomLength = 3;
        } else if (startsWith(prefix, length, 0xFF, 0xFE)) {
            encoding = "UTF-16LE";
            bomLength = 2;
        } else if (startsWith(prefix, length, 0xFE, 0xFF)) {
            encoding = "UTF-16BE";
            bomLength = 2;
        } else {
            rejectNulBytes(prefix, length);
            encoding = utf8Census(prefix, length, complete).looksLikeUtf8() ? "UTF-8" : "windows-1252";
        }
        RecordScanner.Units units = RecordScanner.Units.of(encoding);
        Charset charset = Charset.forName(encoding);

        char delimiter = detectDelimiter(prefix, bomLength, length, complete, units);
        Sampler headerScan = new Sampler(delimiter, units, 1, 1);
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
        List<String> header = headerNames(decode(prefix, (int) headerStart, (int) dataStart, charset), delimiter);

        Mapping mapping = resolveMapping(header, requested);
        List<String> unmapped = new ArrayList<>();
        for (String name : header) {
            if (!mapping.columns().containsValue(name)) {
                unmapped.add(name);
            }
        }
        NumberStyle style = detectNumberStyle(decode(prefix, (int) dataStart, length, charset), complete,
                delimiter, header, mapping);
        return new FileProfile(new Dialect(encoding, bomLength, delimiter, QUOTE, header), dataStart, dataStartLine,
                mapping, style, unmapped);
    }

    // ------------------------------------------------------------------------------------------- encoding

    private static void rejectKnownBinaryFormats(byte[] b, int length) throws FileRejectedException {
        String looksLike = null;
        if (startsWith(b, length, 'P', 'K', 3, 4)) {
            looksLike = "a ZIP archive, most likely an Excel workbook (.xlsx); open it in Excel and use "
                    + "File > Save As > CSV UTF-8";
        } else if (startsWith(b, length, 0xD0, 0xCF, 0x11, 0xE0)) {
            looksLike = "a legacy Excel workbook (.xls); open it in Excel and use File > Save As > CSV UTF-8";
        } else if (startsWith(b, length, 0x1F, 0x8B)) {
            looksLike = "a gzip-compressed file (.gz); decompress it and upload the CSV inside";
        } else if (startsWith(b, length, '%', 'P', 'D', 'F')) {
            looksLike = "a PDF document; export the report as CSV instead";
        } else if (startsWith(b, length, 0x89, 'P', 'N', 'G')) {
            looksLike = "a PNG image; export the report as CSV instead";
        } else if (startsWith(b, length, 0xFF, 0xD8, 0xFF)) {
            looksLike = "a JPEG image; export the report as CSV instead";
        }
        if (looksLike != null) {
            throw new FileRejectedException(FileRejectedException.UNREADABLE_FILE,
                    "the file is not a CSV text file: it looks like " + looksLike);
        }
    }

    private static void rejectNulBytes(byte[] b, int length) throws FileRejectedException {
        int first = -1;
        int odd = 0;
        int even = 0;
        int scan = Math.min(length, DELIMITER_SAMPLE_BYTES);
        for (int i = 0; i < scan; i++) {
            if (b[i] == 0) {
                if (first < 0) {
                    first = i;
                }
                if ((i & 1) == 0) {
                    even++;
                } else {
                    odd++;
                }
            }
        }
        if (first < 0) {
            for (int i = scan; i < length; i++) {
                if (b[i] == 0) {
                    first = i;
                    break;
                }
            }
        }
        if (first < 0) {
            return;
        }
        int half = scan / 2;
        if (odd > half * 0.3 || even > half * 0.3) {
            throw new FileRejectedException(FileRejectedException.UNREADABLE_FILE, "the file looks like UTF-16 "
                    + "text without a byte-order mark, so its byte order is unknown; save it again as CSV UTF-8 "
                    + "(or UTF-16 with a byte-order mark)");
        }
        throw new FileRejectedException(FileRejectedException.UNREADABLE_FILE, "the file contains NUL bytes "
                + "(the first at byte " + first + "), so it is binary data rather than CSV text; check that the "
                + "right file was uploaded and that it was exported as CSV");
    }

    /**
     * How the prefix's bytes above 0x7F fall: {@code valid} of them form UTF-8 sequences, {@code invalid} do not.
     * Text in windows-1252 is almost never valid UTF-8 by accident (an accented letter there is one high byte
     * between ASCII ones, which UTF-8 forbids), so a prefix whose high bytes mostly form UTF-8 sequences is UTF-8
     * with a few bad bytes, and those become ENCODING row errors of their records; reading it as windows-1252
     * instead would turn every other non-ASCII character into mojibake without a word.
     */
    record Utf8Census(int valid, int invalid) {
        boolean looksLikeUtf8() {
            return invalid == 0 || valid > invalid;
        }
    }

    /**
     * Counts strictly (no overlong forms, no surrogates, nothing above U+10FFFF). A bad byte counts as one invalid
     * byte and the count resumes at the next byte, as a decoder would. A sequence cut by the end of an incomplete
     * prefix is valid as far as it goes.
     */
    static Utf8Census utf8Census(byte[] b, int length, boolean complete) {
        int valid = 0;
        int invalid = 0;
        int i = 0;
        while (i < length) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int needed = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
            int sequence = needed < 0 ? 0 : sequenceLength(b, i, length, needed, complete);
            if (sequence > 0) {
                valid += sequence;
                i += sequence;
            } else {
                invalid++;
                i++;
            }
        }
        return new Utf8Census(valid, invalid);
    }

    /** The length of the valid sequence of {@code needed} continuation bytes that starts at {@code i}, or 0. */
    private static int sequenceLength(byte[] b, int i, int length, int needed, boolean complete) {
        int min = needed == 1 ? 0x80 : needed == 2 ? 0x800 : 0x10000;
        int code = b[i] & (0x3F >> needed);
        for (int j = 1; j <= needed; j++) {
            if (i + j >= length) {
                // The sequence runs past the prefix: fine if the prefix was cut there, invalid at the real end.
                return complete ? 0 : j;
            }
            int next = b[i + j] & 0xFF;
            if ((next & 0xC0) != 0x80) {
                return 0;
            }
            code = (code << 6) | (next & 0x3F);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return 0;
        }
        return needed + 1;
    }

    // ------------------------------------------------------------------------------------- delimiter, header

    private static char detectDelimiter(byte[] prefix, int from, int length, boolean complete,
            RecordScanner.Units units) {
        int to = Math.min(length, from + DELIMITER_SAMPLE_BYTES);
        boolean whole = complete && to == length;
        char best = ',';
        double bestScore = -1;
        int bestFields = 0;
        for (char candidate : DELIMITERS) {
            Sampler sample = new Sampler(candidate, units, 1, DELIMITER_SAMPLE_RECORDS);
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

    private static List<String> headerNames(String headerText, char delimiter) throws FileRejectedException {
        List<String> raw;
        try (CSVParser parser = CsvFormats.of(delimiter, QUOTE).parse(new StringReader(headerText))) {
            List<CSVRecord> records = parser.getRecords();
            if (records.isEmpty()) {
                throw new FileRejectedException(FileRejectedException.EMPTY_FILE, "the file has no header line");
            }
            raw = records.get(0).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> names = new ArrayList<>(raw.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String name = Spaces.trim(raw.get(i).replace("\uFEFF", ""));
            if (name.isEmpty()) {
                name = "column_" + (i + 1);
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                int n = 2;
                while (!seen.add((name + "_" + n).toLowerCase(Locale.ROOT))) {
                    n++;
                }
                name = name + "_" + n;
            }
            names.add(name);
        }
        return names;
    }

    private static Mapping resolveMapping(List<String> header, Mapping requested) throws FileRejectedException {
        Map<CanonicalField, String> columns = new EnumMap<>(CanonicalField.class);
        columns.putAll(HeaderMatcher.suggest(header).columns());
        if (requested != null) {
            for (Map.Entry<CanonicalField, String> entry : requested.columns().entrySet()) {
                String wanted = entry.getValue() == null ? "" : entry.getValue().strip();
                String actual = header.stream().filter(h -> h.equalsIgnoreCase(wanted)).findFirst().orElse(null);
                if (actual == null) {
                    throw new FileRejectedException(FileRejectedException.UNKNOWN_COLUMN, "the mapping names column "
                            + quoted(wanted) + " for " + entry.getKey().fieldName() + ", but the file has no such "
                            + "column; its columns are " + quotedList(header));
                }
                columns.values().removeIf(actual::equals);
                columns.put(entry.getKey(), actual);
            }
        }
        List<CanonicalField> missing = new ArrayList<>();
        for (CanonicalField field : CanonicalField.values()) {
            if (field.requiredColumn() && !columns.containsKey(field)) {
                missing.add(field);
            }
        }
        if (!missing.isEmpty()) {
            String names = missing.stream().map(CanonicalField::fieldName).collect(Collectors.joining(", "));
            String accepted = missing.stream()
                    .map(f -> f.fieldName() + ": " + String.join(", ", HeaderMatcher.synonymsOf(f)))
                    .collect(Collectors.joining("; "));
            throw new FileRejectedException(FileRejectedException.MISSING_COLUMNS, "no column was found for the "
                    + "required " + (missing.size() == 1 ? "field " : "fields ") + names + "; the header has "
                    + quotedList(header) + ". Rename the column in the file (recognized names, any case — "
                    + accepted + ") or import again with a mapping that names the column for each field, e.g. {\""
                    + missing.get(0).fieldName() + "\": \"Your column\"}");
        }
        return new Mapping(columns);
    }

    // ------------------------------------------------------------------------------------------ number style

    private static NumberStyle detectNumberStyle(String data, boolean complete, char delimiter, List<String> header,
            Mapping mapping) {
        List<Integer> indexes = new ArrayList<>();
        for (CanonicalField field : NUMERIC_FIELDS) {
            mapping.headerFor(field).ifPresent(column -> indexes.add(header.indexOf(column)));
        }
        int us = 0;
        int european = 0;
        if (!indexes.isEmpty()) {
            try (CSVParser parser = CsvFormats.of(delimiter, QUOTE).parse(new StringReader(data))) {
                int seen = 0;
                CSVRecord previous = null;
                for (CSVRecord record : parser) {
                    // The prefix may end inside the last record; only records known to be whole vote.
                    if (previous != null) {
                        int vote = vote(previous, indexes);
                        us += vote > 0 ? vote : 0;
                        european += vote < 0 ? -vote : 0;
                    }
                    previous = record;
                    if (++seen > STYLE_SAMPLE_RECORDS) {
                        previous = null;
                        break;
                    }
                }
                if (previous != null && complete) {
                    int vote = vote(previous, indexes);
                    us += vote > 0 ? vote : 0;
                    european += vote < 0 ? -vote : 0;
                }
            } catch (IOException | UncheckedIOException e) {
                // A prefix that ends inside an open quote: the votes so far are all there is.
            }
        }
        if (us != european) {
            return us > european ? NumberStyle.US : NumberStyle.EUROPEAN;
        }
        return delimiter == ';' ? NumberStyle.EUROPEAN : NumberStyle.US;
    }

    /** Positive: votes for US; negative: votes for EUROPEAN. */
    private static int vote(CSVRecord record, List<Integer> indexes) {
        int vote = 0;
        for (int index : indexes) {
            if (index < record.size()) {
                vote += styleEvidence(record.get(index));
            }
        }
        return vote;
    }

    /** +1 if the value can only be US style, -1 if only European, 0 if it could be either or is no number. */
    static int styleEvidence(String value) {
        int lastPoint = -1;
        int lastComma = -1;
        int points = 0;
        int commas = 0;
        int digits = 0;
        StringBuilder kept = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
                kept.append(c);
            } else if (c == '.') {
                points++;
                lastPoint = kept.length();
                kept.append(c);
            } else if (c == ',') {
                commas++;
                lastComma = kept.length();
                kept.append(c);
            }
        }
        if (digits == 0 || (points == 0 && commas == 0)) {
            return 0;
        }
        if (points > 0 && commas > 0) {
            return lastPoint > lastComma ? 1 : -1;
        }
        boolean point = points > 0;
        if ((point ? points : commas) > 1) {
            return point ? -1 : 1; // a repeated separator can only group thousands
        }
        int at = point ? lastPoint : lastComma;
        int after = kept.length() - at - 1;
        int before = at;
        boolean cannotGroup = after != 3 || before == 0 || before > 3 || kept.charAt(0) == '0';
        if (!cannotGroup) {
            return 0;
        }
        return point ? 1 : -1;
    }

    // ----------------------------------------------------------------------------------------------- helpers

    /** Records the first few records' positions and field counts; scans in blocks and stops once it has them. */
    private static final class Sampler extends RecordScanner {
        final long[] starts;
        final long[] ends;
        final int[] fields;
        int count;
        private final int wanted;
        private final RecordScanner.Units units;

        Sampler(char delimiter, RecordScanner.Units units, long firstLine, int wanted) {
            super(delimiter, QUOTE, units, firstLine);
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

    private static String decode(byte[] b, int from, int to, Charset charset) {
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(b, from, Math.max(0, to - from)))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder cannot fail", e);
        }
    }

    private static boolean startsWith(byte[] b, int length, int... magic) {
        if (length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static String quoted(String name) {
        return "\"" + name + "\"";
    }

    private static String quotedList(List<String> names) {
        return names.stream().map(FileProfiler::quoted).collect(Collectors.joining(", "));
    }
}
