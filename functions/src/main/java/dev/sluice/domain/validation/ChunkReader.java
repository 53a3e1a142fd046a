package dev.sluice.domain.validation;

import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.csv.ColumnFormats;
import dev.sluice.domain.csv.CsvRecordReader;
import dev.sluice.domain.csv.DateOrder;
import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.csv.Spaces;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.Mapping;
import dev.sluice.domain.transform.BoundTransforms;
import dev.sluice.domain.transform.ExpressionException;
import dev.sluice.domain.transform.Values;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads one chunk, maps each record onto the canonical fields and validates it. Every record the planner
 * counted ends at the sink exactly once, accepted or rejected; a disagreement between the planner's count and
 * the records read is a bug in the splitter, never the user's fault, and fails the chunk loudly.
 */
public final class ChunkReader {
    /** Longest campaign or channel name stored, in code points. */
    public static final int MAX_TEXT_LENGTH = 1000;
    /**
     * Most characters one record may hold (all its values together): far beyond any real export row, and a bound on
     * a loader's memory when an unclosed quote makes the rest of a file one record.
     */
    public static final int MAX_RECORD_CHARS = 1 << 20;

    private static final Map<LayoutKey, Layout> LAYOUTS = new ConcurrentHashMap<>();
    /** A field whose transformation failed: its error is recorded, and it has no value to validate. */
    private static final Object FAILED = new Object();

    private ChunkReader() {
    }

    /**
     * @param chunkBytes exactly the bytes {@code [startByte, endByte)} of the object; not closed here
     * @throws UncheckedIOException if reading {@code chunkBytes} fails (worth a retry)
     * @throws IllegalStateException if the chunk does not hold the records its message promises
     */
    public static ChunkOutcome read(InputStream chunkBytes, ChunkMessage chunk, RecordSink sink) {
        Objects.requireNonNull(chunkBytes, "chunkBytes");
        Objects.requireNonNull(chunk, "chunk");
        Objects.requireNonNull(sink, "sink");
        if (chunk.kind() == DatasetKind.RAW) {
            return RawChunkReader.read(chunkBytes, chunk, sink);
        }
        Dialect dialect = chunk.dialect();
        Layout layout = LAYOUTS.computeIfAbsent(new LayoutKey(dialect.header(), chunk.mapping()),
                key -> Layout.of(key.header(), key.mapping()));
        if (LAYOUTS.size() > 1000) {
            LAYOUTS.clear(); // a long-lived local runtime sees many files; this is a cache, not a registry
        }
        Validator validator = new Validator(layout, chunk, dialect);
        return readRecords(chunkBytes, chunk, sink, validator::validate);
    }

    /**
     * What is done with one readable record: accept it into the sink and return null, or return its errors. Records
     * that cannot be read at all never reach it.
     */
    @FunctionalInterface
    interface RecordCheck {
        List<RowError> check(CsvRecordReader record, long recordNo, long lineNo, RecordSink sink);
    }

    /**
     * The accounting every kind of dataset shares: each record of the chunk reaches the sink once, accepted by
     * {@code check} or rejected, and a chunk that does not hold the records and bytes its message promises fails.
     */
    static ChunkOutcome readRecords(InputStream chunkBytes, ChunkMessage chunk, RecordSink sink, RecordCheck check) {
        Dialect dialect = chunk.dialect();
        DecodingReader decoded = new DecodingReader(chunkBytes, Charset.forName(dialect.encoding()));
        CsvRecordReader record = new CsvRecordReader(decoded, dialect.delimiter(), dialect.quote(), 1,
                MAX_RECORD_CHARS);
        int records = 0;
        int stored = 0;
        long firstRelativeLine = -1;
        try {
            while (record.next()) {
                records++;
                if (records > chunk.recordCount()) {
                    throw mismatch(chunk, "at least " + records);
                }
                if (firstRelativeLine < 0) {
                    firstRelativeLine = record.line();
                }
                long recordNo = chunk.firstRecord() + records - 1;
                long lineNo = chunk.firstLine() + record.line() - firstRelativeLine;
                List<RowError> errors = unreadable(record, decoded, chunk, recordNo, lineNo, firstRelativeLine);
                if (errors == null) {
                    errors = check.check(record, recordNo, lineNo, sink);
                }
                if (errors == null) {
                    stored++;
                } else {
                    sink.reject(recordNo, lineNo, errors);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading chunk " + chunk.chunkNo() + " of " + chunk.key(), e);
        }
        if (records != chunk.recordCount()) {
            throw mismatch(chunk, String.valueOf(records));
        }
        long expectedBytes = chunk.endByte() - chunk.startByte();
        if (decoded.bytesRead() != expectedBytes) {
            throw new IllegalStateException("chunk " + chunk.chunkNo() + " of " + chunk.key() + " should be "
                    + expectedBytes + " bytes (" + chunk.startByte() + ".." + chunk.endByte() + ") but the stream held "
                    + decoded.bytesRead());
        }
        return new ChunkOutcome(records, stored, records - stored);
    }

    /**
     * The error of a record that cannot be validated field by field: its quote never closes, it is too long, or some
     * of its bytes are not text in the file's encoding; null for a record that can.
     */
    static List<RowError> unreadable(CsvRecordReader record, DecodingReader decoded, ChunkMessage chunk,
            long recordNo, long lineNo, long firstRelativeLine) {
        Dialect dialect = chunk.dialect();
        String encodingProblem = decoded.problemBefore(record.endPosition());
        RowErrorCode code;
        String message;
        if (record.unterminated()) {
            long quoteLine = chunk.firstLine() + record.quoteOpenedOnLine() - firstRelativeLine;
            code = RowErrorCode.UNTERMINATED_QUOTE;
            message = "record " + recordNo + " (line " + lineNo + "): the quoted field opened on line " + quoteLine
                    + " is never closed, so everything from there to the end of the file was read as one value; "
                    + "add the missing closing quote (\") near line " + quoteLine;
        } else if (record.tooLong()) {
            code = RowErrorCode.RECORD_TOO_LONG;
            message = String.format(Locale.ROOT, "record %d (line %d) holds %,d characters; the most one record may "
                    + "hold is %,d. A missing line break, or a quote left open and closed much later, joins many "
                    + "lines into one record", recordNo, lineNo, record.recordChars(), MAX_RECORD_CHARS);
        } else if (encodingProblem != null) {
            code = RowErrorCode.ENCODING;
            message = encodingMessage(recordNo, lineNo, encodingProblem, dialect.encoding());
        } else {
            return null;
        }
        return List.of(new RowError(recordNo, lineNo, null, code, message, raw(record, dialect)));
    }

    static IllegalStateException mismatch(ChunkMessage chunk, String parsed) {
        return new IllegalStateException("chunk " + chunk.chunkNo() + " of " + chunk.key() + " (bytes "
                + chunk.startByte() + ".." + chunk.endByte() + ", records " + chunk.firstRecord() + ".."
                + chunk.lastRecord() + ") was planned with " + chunk.recordCount() + " records but " + parsed
                + " were read; the splitter and the reader disagree about record boundaries");
    }

    private static String encodingMessage(long recordNo, long lineNo, String detail, String encoding) {
        String other = encoding.equalsIgnoreCase("UTF-8") ? "windows-1252 (Excel on Windows)" : "UTF-8";
        return "record " + recordNo + " (line " + lineNo + ") contains " + detail + " that cannot be read as "
                + encoding + ", the encoding assumed for this file; if the file was saved in another encoding "
                + "such as " + other + ", re-run the import with that encoding";
    }

    static String raw(CsvRecordReader record, Dialect dialect) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < record.size() && out.length() <= RowError.MAX_EXCERPT; i++) {
            if (i > 0) {
                out.append(dialect.delimiter());
            }
            out.append(record.get(i));
        }
        return RowError.excerpt(out.toString());
    }

    private record LayoutKey(List<String> header, Mapping mapping) {
    }

    /** Where each canonical field sits in the header; resolved once per header and mapping. */
    private record Layout(int headerSize, int[] fieldIndex, String[] fieldColumn, int[] extraIndex,
            String[] extraName, BoundTransforms transforms) {
        static Layout of(List<String> header, Mapping mapping) {
            CanonicalField[] fields = CanonicalField.values();
            int[] fieldIndex = new int[fields.length];
            String[] fieldColumn = new String[fields.length];
            boolean[] used = new boolean[header.size()];
            for (CanonicalField field : fields) {
                fieldIndex[field.ordinal()] = -1;
                String column = mapping.columns().get(field);
                if (column == null) {
                    if (field.requiredColumn() && !mapping.calculates(field)) {
                        throw new IllegalArgumentException("the mapping has no column for " + field.fieldName());
                    }
                    continue;
                }
                int index = header.indexOf(column);
                for (int i = 0; index < 0 && i < header.size(); i++) {
                    if (header.get(i).trim().equalsIgnoreCase(column.trim())) {
                        index = i;
                    }
                }
                if (index < 0) {
                    throw new IllegalArgumentException("the mapping names column \"" + column + "\" for "
                            + field.fieldName() + ", which is not in the header " + header);
                }
                fieldIndex[field.ordinal()] = index;
                fieldColumn[field.ordinal()] = header.get(index);
                used[index] = true;
            }
            // A name that repeats in the header keeps its first place and its last value, as a map put would.
            Map<String, Integer> extras = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                if (!used[i]) {
                    extras.put(header.get(i), i);
                }
            }
            int[] extraIndex = extras.values().stream().mapToInt(Integer::intValue).toArray();
            String[] extraName = extras.keySet().toArray(String[]::new);
            BoundTransforms transforms = null;
            if (!mapping.transforms().isEmpty()) {
                Map<String, String> fieldColumns = new LinkedHashMap<>();
                mapping.columns().forEach((field, column) -> fieldColumns.put(field.fieldName(), column));
                transforms = BoundTransforms.bind(mapping.transforms(), header, fieldColumns);
            }
            return new Layout(header.size(), fieldIndex, fieldColumn, extraIndex, extraName, transforms);
        }
    }

    @FunctionalInterface
    private interface ValueParser<T> {
        T parse(String raw) throws InvalidValueException;
    }

    private static final class Validator {
        private final Layout layout;
        private final Dialect dialect;
        private final DateOrder dateOrder;
        private final NumberStyle spendStyle;
        private final NumberStyle clicksStyle;
        private final NumberStyle conversionsStyle;
        private final NumberStyle impressionsStyle;
        private final int date;
        private final int campaign;
        private final int channel;
        private final int spend;
        private final int clicks;
        private final int conversions;
        private final int impressions;

        Validator(Layout layout, ChunkMessage chunk, Dialect dialect) {
            this.layout = layout;
            this.dialect = dialect;
            // Resolved once per chunk, so the per-record path only reads final fields.
            ColumnFormats formats = chunk.formats();
            NumberStyle fileStyle = chunk.numberStyle();
            dateOrder = formats.dateOrder(column(CanonicalField.DATE), DateOrder.MDY);
            spendStyle = formats.numberStyle(column(CanonicalField.SPEND), fileStyle);
            clicksStyle = formats.numberStyle(column(CanonicalField.CLICKS), fileStyle);
            conversionsStyle = formats.numberStyle(column(CanonicalField.CONVERSIONS), fileStyle);
            impressionsStyle = formats.numberStyle(column(CanonicalField.IMPRESSIONS), fileStyle);
            int[] index = layout.fieldIndex();
            date = index[CanonicalField.DATE.ordinal()];
            campaign = index[CanonicalField.CAMPAIGN.ordinal()];
            channel = index[CanonicalField.CHANNEL.ordinal()];
            spend = index[CanonicalField.SPEND.ordinal()];
            clicks = index[CanonicalField.CLICKS.ordinal()];
            conversions = index[CanonicalField.CONVERSIONS.ordinal()];
            impressions = index[CanonicalField.IMPRESSIONS.ordinal()];
        }

        /** Accepts the record into the sink and returns null, or returns its errors. */
        List<RowError> validate(CsvRecordReader record, long recordNo, long lineNo, RecordSink sink) {
            if (record.size() != layout.headerSize()) {
                RowError summary = summaryRow(record, recordNo, lineNo);
                if (summary != null) {
                    return List.of(summary);
                }
                return List.of(new RowError(recordNo, lineNo, null, RowErrorCode.FIELD_COUNT,
                        "record " + recordNo + " (line " + lineNo + ") has " + record.size()
                                + (record.size() == 1 ? " field" : " fields") + ", the header has "
                                + layout.headerSize() + "; check for a missing or extra "
                                + describe(dialect.delimiter()) + " or an unquoted value containing one",
                        raw(record, dialect)));
            }
            Errors errors = new Errors(recordNo, lineNo);
            if (layout.transforms() != null) {
                return validateTransformed(record, recordNo, lineNo, sink, errors);
            }
            LocalDate dateValue = date(record.get(date), errors);
            String campaignValue = text(record.get(campaign), CanonicalField.CAMPAIGN, errors);
            String channelValue = text(record.get(channel), CanonicalField.CHANNEL, errors);
            BigDecimal spendValue = decimal(cell(record, spend), CanonicalField.SPEND, spendStyle, errors);
            Long clicksValue = integer(cell(record, clicks), CanonicalField.CLICKS, clicksStyle, errors);
            BigDecimal conversionsValue = decimal(cell(record, conversions), CanonicalField.CONVERSIONS,
                    conversionsStyle, errors);
            Long impressionsValue = integer(cell(record, impressions), CanonicalField.IMPRESSIONS, impressionsStyle,
                    errors);
            return finish(record, recordNo, lineNo, sink, errors, dateValue, campaignValue, channelValue, spendValue,
                    clicksValue, conversionsValue, impressionsValue);
        }

        /**
         * The path of a mapping with transformations: a transformed or calculated field takes its rule's value (a
         * typed value is used as it is, text is validated as a column's text would be); a rule that fails is a
         * TRANSFORM_FAILED error on the field. Kept apart so that mappings without transformations pay nothing.
         */
        private List<RowError> validateTransformed(CsvRecordReader record, long recordNo, long lineNo,
                RecordSink sink, Errors errors) {
            BoundTransforms.Cells cells = i -> i < record.size() ? record.get(i) : "";
            BoundTransforms transforms = layout.transforms();
            LocalDate dateValue = null;
            Object dateResult = transformed(CanonicalField.DATE, date, record, cells, transforms, errors);
            if (dateResult instanceof LocalDate day) {
                dateValue = day;
            } else if (dateResult != FAILED) {
                dateValue = date(typedAsText(CanonicalField.DATE, dateResult, errors), errors);
            }
            String campaignValue = textOf(CanonicalField.CAMPAIGN, campaign, record, cells, transforms, errors);
            String channelValue = textOf(CanonicalField.CHANNEL, channel, record, cells, transforms, errors);
            BigDecimal spendValue = decimalOf(CanonicalField.SPEND, spend, spendStyle, record, cells, transforms,
                    errors);
            Long clicksValue = integerOf(CanonicalField.CLICKS, clicks, clicksStyle, record, cells, transforms,
                    errors);
            BigDecimal conversionsValue = decimalOf(CanonicalField.CONVERSIONS, conversions, conversionsStyle,
                    record, cells, transforms, errors);
            Long impressionsValue = integerOf(CanonicalField.IMPRESSIONS, impressions, impressionsStyle, record,
                    cells, transforms, errors);
            return finish(record, recordNo, lineNo, sink, errors, dateValue, campaignValue, channelValue, spendValue,
                    clicksValue, conversionsValue, impressionsValue);
        }

        private List<RowError> finish(CsvRecordReader record, long recordNo, long lineNo, RecordSink sink,
                Errors errors, LocalDate dateValue, String campaignValue, String channelValue, BigDecimal spendValue,
                Long clicksValue, BigDecimal conversionsValue, Long impressionsValue) {
            Map<String, String> extra = Map.of();
            int[] extraIndex = layout.extraIndex();
            if (extraIndex.length > 0) {
                String[] values = new String[extraIndex.length];
                for (int i = 0; i < extraIndex.length; i++) {
                    values[i] = record.get(extraIndex[i]);
                    storable(values[i], layout.extraName()[i], errors);
                }
                extra = new ExtraColumns(layout.extraName(), values);
            }
            if (errors.list != null) {
                RowError summary = dateValue == null ? summaryRow(record, recordNo, lineNo) : null;
                return summary == null ? errors.list : List.of(summary);
            }
            sink.accept(new ValidRecord(recordNo, lineNo, dateValue, campaignValue, channelValue, spendValue,
                    clicksValue, conversionsValue, impressionsValue, extra));
            return null;
        }

        private String column(CanonicalField field) {
            String column = layout.fieldColumn()[field.ordinal()];
            return column != null ? column : field.fieldName(); // a calculated field is named by its field
        }

        private static String cell(CsvRecordReader record, int index) {
            return index < 0 ? null : record.get(index);
        }

        private LocalDate date(String raw, Errors errors) {
            if (raw == null || Spaces.isBlank(raw)) {
                errors.required(CanonicalField.DATE, column(CanonicalField.DATE));
                return null;
            }
            try {
                return DateParser.parse(raw, dateOrder);
            } catch (InvalidValueException e) {
                errors.add(CanonicalField.DATE, column(CanonicalField.DATE), e, raw);
                return null;
            }
        }

        /** The field's value: its rule's result, {@link #FAILED} after a failed rule, or its column's text. */
        private Object transformed(CanonicalField field, int index, CsvRecordReader record,
                BoundTransforms.Cells cells, BoundTransforms transforms, Errors errors) {
            BoundTransforms.Rule rule = transforms.field(field.fieldName());
            if (rule == null) {
                return cell(record, index);
            }
            try {
                return rule.apply(cells);
            } catch (ExpressionException e) {
                String column = rule.sourceColumn() != null ? rule.sourceColumn() : column(field);
                errors.add(column, RowErrorCode.TRANSFORM_FAILED, field.fieldName() + " could not be "
                        + (rule.sourceColumn() != null ? "transformed" : "calculated") + ": " + e.getMessage(),
                        rule.sourceIndex() >= 0 ? cells.get(rule.sourceIndex()) : "");
                return FAILED;
            }
        }

        /** Text from a rule's result; a true/false result is no value of any field. */
        private String typedAsText(CanonicalField field, Object value, Errors errors) {
            if (value instanceof Boolean) {
                errors.add(column(field), RowErrorCode.TRANSFORM_FAILED, field.fieldName() + " was calculated as "
                        + value + ", which is no " + field.fieldName() + "; use if(condition, a, b) to choose a value",
                        String.valueOf(value));
                return null;
            }
            return Values.text(value);
        }

        private String textOf(CanonicalField field, int index, CsvRecordReader record, BoundTransforms.Cells cells,
                BoundTransforms transforms, Errors errors) {
            Object value = transformed(field, index, record, cells, transforms, errors);
            if (value == FAILED) {
                return null;
            }
            String text = typedAsText(field, value, errors);
            if (text == null && value instanceof Boolean) {
                return null;
            }
            return text(text, field, errors);
        }

        private BigDecimal decimalOf(CanonicalField field, int index, NumberStyle style, CsvRecordReader record,
                BoundTransforms.Cells cells, BoundTransforms transforms, Errors errors) {
            Object value = transformed(field, index, record, cells, transforms, errors);
            if (value instanceof BigDecimal number) {
                return nonNegative(field, number, errors) ? number : null;
            }
            return value == FAILED ? null : decimal(typedAsText(field, value, errors), field, style, errors);
        }

        private Long integerOf(CanonicalField field, int index, NumberStyle style, CsvRecordReader record,
                BoundTransforms.Cells cells, BoundTransforms transforms, Errors errors) {
            Object value = transformed(field, index, record, cells, transforms, errors);
            if (value instanceof BigDecimal number) {
                if (!nonNegative(field, number, errors)) {
                    return null;
                }
                try {
                    return number.stripTrailingZeros().scale() > 0 ? fraction(field, number, errors)
                            : number.toBigIntegerExact().longValueExact();
                } catch (ArithmeticException e) {
                    errors.add(column(field), RowErrorCode.INVALID_INTEGER, field.fieldName() + " "
                            + number.toPlainString() + " is too large for a count", number.toPlainString());
                    return null;
                }
            }
            return value == FAILED ? null : integer(typedAsText(field, value, errors), field, style, errors);
        }

        private Long fraction(CanonicalField field, BigDecimal number, Errors errors) {
            errors.add(column(field), RowErrorCode.INVALID_INTEGER, field.fieldName() + " " + number.toPlainString()
                    + " is not a whole number; round it with round(x, 0)", number.toPlainString());
            return null;
        }

        /** A calculated metric obeys the rule a column's does: 0 or more. */
        private boolean nonNegative(CanonicalField field, BigDecimal number, Errors errors) {
            if (number.signum() >= 0) {
                return true;
            }
            errors.add(column(field), RowErrorCode.NEGATIVE, field.fieldName() + " " + number.toPlainString()
                    + " is below zero; metrics are 0 or more", number.toPlainString());
            return false;
        }

        /**
         * The error of a record that would be rejected anyway, has no valid date, and whose first non-empty value
         * is a summary label ({@link SummaryLabels}); null for any other. Checked only for rejected records, so
         * it costs the records that load nothing.
         */
        private RowError summaryRow(CsvRecordReader record, long recordNo, long lineNo) {
            for (int i = 0; i < record.size(); i++) {
                String value = record.get(i);
                if (Spaces.isBlank(value)) {
                    continue;
                }
                if (!SummaryLabels.isSummary(value)) {
                    return null;
                }
                if (date >= 0 && date < record.size() && !Spaces.isBlank(record.get(date))) {
                    try {
                        DateParser.parse(record.get(date), dateOrder);
                        return null; // a dated record is data, whatever its first value says
                    } catch (InvalidValueException notADate) {
                        // An undated total, as exports write them.
                    }
                }
                String column = i < layout.headerSize() ? dialect.header().get(i) : "column " + (i + 1);
                return new RowError(recordNo, lineNo, column, RowErrorCode.SUMMARY_ROW, "record " + recordNo
                        + " (line " + lineNo + ") is a summary row ('" + RowError.excerpt(Spaces.trim(value))
                        + "' in column \"" + column + "\"), not data, so it was not loaded; nothing needs fixing, "
                        + "or remove the totals from the export", raw(record, dialect));
            }
            return null;
        }

        private String text(String raw, CanonicalField field, Errors errors) {
            String value = raw == null ? "" : Spaces.trim(raw);
            if (value.isEmpty()) {
                errors.required(field, column(field));
                return null;
            }
            if (!storable(value, column(field), errors)) {
                return null;
            }
            if (value.length() > MAX_TEXT_LENGTH) {
                int codePoints = value.codePointCount(0, value.length());
                if (codePoints > MAX_TEXT_LENGTH) {
                    errors.add(column(field), RowErrorCode.TOO_LONG, String.format(Locale.ROOT,
                            "%s is %,d characters long; the maximum is %,d", field.fieldName(), codePoints,
                            MAX_TEXT_LENGTH),
                            value);
                    return null;
                }
            }
            return value;
        }

        /**
         * False, with an error, for a value holding U+0000: no PostgreSQL text or JSON value can hold it, and
         * storing it altered would change the user's data without a word.
         */
        private static boolean storable(String value, String column, Errors errors) {
            int nul = value.indexOf('\0');
            if (nul < 0) {
                return true;
            }
            errors.add(column, RowErrorCode.INVALID_TEXT, "the value \"" + RowError.excerpt(value)
                    + "\" contains a NUL character (U+0000, byte 0x00) at character " + (nul + 1)
                    + ", which cannot be stored as text; remove it from the file", value);
            return false;
        }

        private BigDecimal decimal(String raw, CanonicalField field, NumberStyle style, Errors errors) {
            return optionalMetric(raw, field, errors, value -> NumberParser.parseDecimal(value, style));
        }

        private Long integer(String raw, CanonicalField field, NumberStyle style, Errors errors) {
            return optionalMetric(raw, field, errors, value -> NumberParser.parseInteger(value, style));
        }

        /** A metric column: absent or blank is null; a value that does not parse is an error on its column. */
        private <T> T optionalMetric(String raw, CanonicalField field, Errors errors, ValueParser<T> parser) {
            if (raw == null || Spaces.isBlank(raw)) {
                return null;
            }
            try {
                return parser.parse(raw);
            } catch (InvalidValueException e) {
                errors.add(field, column(field), e, raw);
                return null;
            }
        }
    }

    private static String describe(char delimiter) {
        return switch (delimiter) {
            case ',' -> "comma";
            case ';' -> "semicolon";
            case '\t' -> "tab";
            case '|' -> "pipe (|)";
            default -> "delimiter " + delimiter;
        };
    }

    /** The errors of one record, created only when the first one appears. */
    private static final class Errors {
        private final long recordNo;
        private final long lineNo;
        List<RowError> list;

        Errors(long recordNo, long lineNo) {
            this.recordNo = recordNo;
            this.lineNo = lineNo;
        }

        void required(CanonicalField field, String column) {
            add(column, RowErrorCode.REQUIRED, field.fieldName() + " is empty; every record needs a "
                    + field.fieldName(), "");
        }

        /** The parser's message quotes the value; the field's name before it makes {@code spend '-5' is ...}. */
        void add(CanonicalField field, String column, InvalidValueException e, String raw) {
            add(column, e.code(), field.fieldName() + " " + e.getMessage(), raw);
        }

        void add(String column, RowErrorCode code, String detail, String raw) {
            if (list == null) {
                list = new ArrayList<>(2);
            }
            list.add(new RowError(recordNo, lineNo, column, code,
                    "record " + recordNo + " (line " + lineNo + "), column \"" + column + "\": " + detail, raw));
        }
    }
}
