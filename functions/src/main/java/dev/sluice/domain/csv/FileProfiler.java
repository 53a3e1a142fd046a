package dev.sluice.domain.csv;

import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.HeaderMatcher;
import dev.sluice.domain.mapping.Mapping;
import dev.sluice.domain.mapping.MappingSuggester;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Works out a file's dialect, header, mapping and per-column formats from its first bytes, once per run, before
 * any chunk is planned. Everything that makes the whole file unusable is rejected here, so that no chunk of a
 * hopeless file is ever loaded. A dataset's pinned reading settings override the matching detection.
 *
 * <p>Decisions, in order:
 * <ol>
 *   <li><b>Encoding</b> ({@link EncodingDetector}): the setting, else a byte-order mark, else UTF-16 by its NUL
 *       bytes, else UTF-8 unless most high bytes say windows-1252; binary files are rejected.</li>
 *   <li><b>{@code sep=} line</b>: Excel's first line naming the delimiter is honoured and skipped.</li>
 *   <li><b>Delimiter and header</b> ({@link HeaderDetector}): the setting or the {@code sep=} line, else the
 *       delimiter that gives the first records one field count; the header on the pinned line, else the first
 *       record after any preamble, its names made unique. A header whose bytes are not valid in the encoding is
 *       rejected ({@code HEADER_ENCODING}) rather than read with replacement characters.</li>
 *   <li><b>Mapping.</b> {@link MappingSuggester} from the header and the first records (the proposals it is
 *       confident enough to apply), overridden field by field by the requested mapping.</li>
 *   <li><b>Formats</b> ({@link ColumnInference}): date order and number style per mapped column, from the
 *       values of the whole prefix.</li>
 * </ol>
 */
public final class FileProfiler {
    /** How much of the object the caller passes; the header must end within it. */
    public static final int PROFILE_BYTES = 1 << 20;

    private static final char QUOTE = '"';

    private FileProfiler() {
    }

    /** Profiles with every reading setting on auto. */
    public static FileProfile profile(byte[] prefix, int length, boolean complete, Mapping requested)
            throws FileRejectedException {
        return profile(prefix, length, complete, requested, ReadingSettings.AUTO, DatasetKind.MARKETING);
    }

    /**
     * @param prefix    the first bytes of the object
     * @param length    how many bytes of {@code prefix} are valid
     * @param complete  true when those bytes are the whole object
     * @param requested a mapping chosen by the user (header names, any letter case), or null to suggest one
     * @param settings  the dataset's reading settings; pinned ones override detection
     */
    public static FileProfile profile(byte[] prefix, int length, boolean complete, Mapping requested,
            ReadingSettings settings) throws FileRejectedException {
        return profile(prefix, length, complete, requested, settings, DatasetKind.MARKETING);
    }

    /** With every reading setting on auto, for a dataset of {@code kind}. */
    public static FileProfile profile(byte[] prefix, int length, boolean complete, Mapping requested,
            DatasetKind kind) throws FileRejectedException {
        return profile(prefix, length, complete, requested, ReadingSettings.AUTO, kind);
    }

    /**
     * As above, for a dataset of {@code kind}: a raw dataset keeps every column as its exact strings, so its header
     * is named exactly and nothing is mapped (no MISSING_COLUMNS) or read as a number.
     */
    public static FileProfile profile(byte[] prefix, int length, boolean complete, Mapping requested,
            ReadingSettings settings, DatasetKind kind) throws FileRejectedException {
        if (length < 0 || length > prefix.length) {
            throw new IllegalArgumentException("length " + length + " outside 0.." + prefix.length);
        }
        if (length == 0) {
            throw new FileRejectedException(FileRejectedException.EMPTY_FILE,
                    complete ? "the file is empty (0 bytes); export the report again and upload the CSV file"
                            : "no bytes could be read from the start of the file");
        }
        ReadingSettings reading = settings == null ? ReadingSettings.AUTO : settings;
        EncodingDetector.Detected detected = reading.autoEncoding()
                ? EncodingDetector.detect(prefix, length, complete)
                : EncodingDetector.pinned(reading.encoding(), prefix, length);
        String encoding = detected.encoding();
        int bomLength = detected.bomLength();
        RecordScanner.Units units = RecordScanner.Units.of(encoding);
        Charset charset = Charset.forName(encoding);

        HeaderDetector.SepLine sep = HeaderDetector.sepLine(prefix, bomLength, length, units);
        int from = sep == null ? bomLength : sep.end();
        long firstLine = sep == null ? 1 : 2;
        char delimiter;
        String delimiterFrom;
        if (!reading.autoDelimiter()) {
            delimiter = pinnedDelimiter(reading.delimiter());
            delimiterFrom = "setting";
        } else if (sep != null) {
            delimiter = sep.delimiter();
            delimiterFrom = "sep line";
        } else {
            delimiter = HeaderDetector.detectDelimiter(prefix, from, length, complete, QUOTE, units);
            delimiterFrom = "detected";
        }
        HeaderDetector.Header found = HeaderDetector.find(prefix, from, firstLine, length, complete, delimiter,
                QUOTE, units, charset, reading.headerRow(), kind);
        List<String> header = found.names();
        long dataStart = found.dataStart();
        if (kind == DatasetKind.RAW) {
            ReadingDecisions decisions = new ReadingDecisions(detected.from(), delimiterFrom, found.headerLine(),
                    sep != null, found.preambleRecords(), found.preamble(), List.of());
            return new FileProfile(new Dialect(encoding, bomLength, delimiter, QUOTE, header), dataStart,
                    found.dataStartLine(), new Mapping(Map.of(), requested == null ? null : requested.transforms()),
                    NumberStyle.US, header, ColumnFormats.NONE,
                    decisions);
        }

        String data = EncodingDetector.decode(prefix, (int) dataStart, length, charset);
        Mapping mapping = resolveMapping(header, SampleRows.of(data, complete, delimiter, QUOTE,
                MappingSuggester.MAX_ROWS), requested);
        List<String> unmapped = new ArrayList<>();
        for (String name : header) {
            if (!mapping.columns().containsValue(name)) {
                unmapped.add(name);
            }
        }
        ColumnInference.Result inferred = ColumnInference.infer(data, complete, delimiter, QUOTE, header, mapping,
                reading);
        ReadingDecisions decisions = new ReadingDecisions(detected.from(), delimiterFrom, found.headerLine(),
                sep != null, found.preambleRecords(), found.preamble(), inferred.columns());
        return new FileProfile(new Dialect(encoding, bomLength, delimiter, QUOTE, header), dataStart,
                found.dataStartLine(), mapping, inferred.fileStyle(), unmapped, inferred.formats(), decisions);
    }

    private static char pinnedDelimiter(String setting) throws FileRejectedException {
        String value = setting.equals("\\t") || setting.equalsIgnoreCase("tab") ? "\t" : setting;
        // Only ASCII characters structure a record (RecordScanner scans bytes and UTF-16 units alike).
        char c = value.length() == 1 ? value.charAt(0) : 0;
        if (c == 0 || c == QUOTE || c == '\r' || c == '\n' || c > 0x7E) {
            throw new FileRejectedException(FileRejectedException.UNREADABLE_FILE, "the dataset's delimiter '"
                    + setting + "' is not one ASCII character other than a quote or a line break; use auto, "
                    + "\",\", \";\", \"\\t\" or \"|\"");
        }
        return value.charAt(0);
    }

    private static Mapping resolveMapping(List<String> header, List<List<String>> rows, Mapping requested)
            throws FileRejectedException {
        Map<CanonicalField, String> columns = new EnumMap<>(CanonicalField.class);
        columns.putAll(MappingSuggester.suggest(header, rows).applied().columns());
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
        if (requested != null) {
            // A calculated field reads no column of its own, so none is suggested for it.
            columns.keySet().removeIf(requested::calculates);
        }
        List<CanonicalField> missing = new ArrayList<>();
        for (CanonicalField field : CanonicalField.values()) {
            if (field.requiredColumn() && !columns.containsKey(field)
                    && (requested == null || !requested.calculates(field))) {
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
        return new Mapping(columns, requested == null ? null : requested.transforms());
    }

    private static String quoted(String name) {
        return "\"" + name + "\"";
    }

    private static String quotedList(List<String> names) {
        return names.stream().map(FileProfiler::quoted).collect(Collectors.joining(", "));
    }
}
