package dev.sluice.domain.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.chunk.ChunkPlanner;
import dev.sluice.domain.chunk.PlanSummary;
import dev.sluice.domain.chunk.PlannedChunk;
import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.Mapping;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkReaderTest {
    private static final List<String> HEADER =
            List.of("Day", "Campaign", "Channel", "Cost", "Clicks", "Conv.", "Impr.", "Ad group");
    private static final Mapping MAPPING = mapping(Map.of(
            CanonicalField.DATE, "Day", CanonicalField.CAMPAIGN, "Campaign", CanonicalField.CHANNEL, "Channel",
            CanonicalField.SPEND, "Cost", CanonicalField.CLICKS, "Clicks", CanonicalField.CONVERSIONS, "Conv.",
            CanonicalField.IMPRESSIONS, "Impr."));

    /** Collects what the reader hands over. */
    static final class Collected implements RecordSink {
        final List<ValidRecord> valid = new ArrayList<>();
        final Map<Long, List<RowError>> rejected = new java.util.TreeMap<>();
        final List<Long> order = new ArrayList<>();

        @Override
        public void accept(ValidRecord record) {
            valid.add(record);
            order.add(record.recordNo());
        }

        @Override
        public void reject(long recordNo, long lineNo, List<RowError> errors) {
            rejected.put(recordNo, errors);
            order.add(recordNo);
            for (RowError error : errors) {
                assertEquals(recordNo, error.recordNo());
                assertEquals(lineNo, error.lineNo());
            }
        }
    }

    @Test
    void validRecordsAreMappedWithTheirLines() {
        String data = "2024-03-01,Spring Sale,google,\"1,234.50\",10,2.5,1000,AG 1\r\n"
                + "\r\n"
                + "2024-03-02,\"Multi\nline, \"\"quoted\"\"\",meta,,,,,AG 2\r\n"
                + "\"Mar 3, 2024\",Spring Sale, tiktok ,$0.99,\"1,200\",0,12.0,\n";
        Collected out = readWhole(data, StandardCharsets.UTF_8, ',', NumberStyle.US, 5, 7, 3);
        assertEquals(List.of(), List.copyOf(out.rejected.keySet()), () -> out.rejected.toString());
        ValidRecord first = out.valid.get(0);
        assertEquals(new ValidRecord(5, 7, LocalDate.of(2024, 3, 1), "Spring Sale", "google",
                new BigDecimal("1234.50"), 10L, new BigDecimal("2.5"), 1000L, Map.of("Ad group", "AG 1")), first);
        ValidRecord second = out.valid.get(1);
        assertEquals(6, second.recordNo());
        assertEquals(9, second.lineNo());
        assertEquals("Multi\nline, \"quoted\"", second.campaign());
        assertNull(second.spend());
        assertNull(second.clicks());
        ValidRecord third = out.valid.get(2);
        assertEquals(11, third.lineNo());
        assertEquals("tiktok", third.channel());
        assertEquals(1200L, third.clicks());
        assertEquals(12L, third.impressions());
        assertEquals(Map.of("Ad group", ""), third.extra());
    }

    @Test
    void unmappedColumnsKeepFileOrderAndARepeatedNameKeepsItsLastValue() {
        List<String> header = List.of("Note", "Day", "Campaign", "Channel", "Region", "Note");
        Mapping mapping = mapping(Map.of(CanonicalField.DATE, "Day", CanonicalField.CAMPAIGN, "Campaign",
                CanonicalField.CHANNEL, "Channel"));
        byte[] data = "first,2024-03-01,c,ch,EU,last\n".getBytes(StandardCharsets.UTF_8);
        Dialect dialect = new Dialect("UTF-8", 0, ',', '"', header);
        Collected out = new Collected();
        ChunkReader.read(new ByteArrayInputStream(data),
                message(dialect, mapping, NumberStyle.US, data.length, 1, 1, 2), out);
        Map<String, String> extra = out.valid.get(0).extra();
        assertEquals(List.of("Note", "Region"), List.copyOf(extra.keySet()));
        assertEquals("last", extra.get("Note"));
        assertEquals(new java.util.LinkedHashMap<>(Map.of("Note", "last", "Region", "EU")), extra);
        assertEquals(Map.of("Note", "last", "Region", "EU").hashCode(), extra.hashCode());
        assertThrows(UnsupportedOperationException.class, () -> extra.put("x", "y"));
    }

    @Test
    void fieldErrorsNameRecordLineColumnAndValue() {
        String data = "2024-02-30,C,google,-5,1.5,x,10,a\n"          // record 1, line 2
                + "2024-03-01,,  ,(3),-1,1,2,a\n"                   // record 2, line 3
                + "2024-03-01,C,google,1\n"                         // record 3, line 4
                + "\n"
                + ",C,google,12%,1,1,1,a\n"                         // record 4, line 6
                + "2024-03-01,C,google,12,5,1,1,a,extra\n";         // record 5, line 7
        Collected out = readWhole(data, StandardCharsets.UTF_8, ',', NumberStyle.US, 1, 2, 1);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), List.copyOf(out.rejected.keySet()));

        List<RowError> first = out.rejected.get(1L);
        assertEquals(List.of(RowErrorCode.INVALID_DATE, RowErrorCode.NEGATIVE, RowErrorCode.INVALID_INTEGER,
                RowErrorCode.INVALID_NUMBER),
                first.stream().map(RowError::code).toList());
        assertEquals(List.of("Day", "Cost", "Clicks", "Conv."), first.stream().map(RowError::column).toList());
        assertEquals("record 1 (line 2), column \"Day\": date '2024-02-30' is not a valid date: February 2024 has 29 "
                + "days",
                first.get(0).message());
        assertEquals("2024-02-30", first.get(0).rawExcerpt());
        assertEquals("record 1 (line 2), column \"Cost\": spend '-5' is negative; expected 0 or more",
                first.get(1).message());

        List<RowError> second = out.rejected.get(2L);
        assertEquals(List.of(RowErrorCode.REQUIRED, RowErrorCode.REQUIRED, RowErrorCode.NEGATIVE,
                RowErrorCode.NEGATIVE),
                second.stream().map(RowError::code).toList());
        assertEquals("record 2 (line 3), column \"Campaign\": campaign is empty; every record needs a campaign",
                second.get(0).message());

        RowError fieldCount = out.rejected.get(3L).get(0);
        assertEquals(RowErrorCode.FIELD_COUNT, fieldCount.code());
        assertNull(fieldCount.column());
        assertTrue(fieldCount.message().startsWith("record 3 (line 4) has 4 fields, the header has 8"),
                fieldCount.message());
        assertEquals("2024-03-01,C,google,1", fieldCount.rawExcerpt());

        assertEquals(List.of(RowErrorCode.REQUIRED, RowErrorCode.INVALID_NUMBER),
                out.rejected.get(4L).stream().map(RowError::code).toList());
        assertEquals(6, out.rejected.get(4L).get(0).lineNo());
        assertEquals(RowErrorCode.FIELD_COUNT, out.rejected.get(5L).get(0).code());
    }

    @Test
    void tooLongTextIsRejected() {
        String data = "2024-03-01," + "x".repeat(1001) + ",google,,,,,\n2024-03-01," + "y".repeat(1000) + ",g,,,,,\n";
        Collected out = readWhole(data, StandardCharsets.UTF_8, ',', NumberStyle.US, 1, 2, 1);
        RowError error = out.rejected.get(1L).get(0);
        assertEquals(RowErrorCode.TOO_LONG, error.code());
        assertEquals(200, error.rawExcerpt().length());
        assertTrue(error.message().endsWith("campaign is 1,001 characters long; the maximum is 1,000"),
                error.message());
        assertEquals(1, out.valid.size());
    }

    @Test
    void europeanNumbersInWindows1252() {
        List<String> header = List.of("Datum", "Kampagne", "Kanal", "Kosten");
        Mapping mapping = mapping(Map.of(CanonicalField.DATE, "Datum", CanonicalField.CAMPAIGN, "Kampagne",
                CanonicalField.CHANNEL, "Kanal", CanonicalField.SPEND, "Kosten"));
        byte[] bytes = "01.03.2024;Frühling €;google;1.234,56\n".getBytes(Charset.forName("windows-1252"));
        Dialect dialect = new Dialect("windows-1252", 0, ';', '"', header);
        Collected out = new Collected();
        ChunkOutcome outcome = ChunkReader.read(new ByteArrayInputStream(bytes),
                message(dialect, mapping, NumberStyle.EUROPEAN, bytes.length, 1, 1, 2), out);
        assertEquals(new ChunkOutcome(1, 1, 0), outcome);
        assertEquals("Frühling €", out.valid.get(0).campaign());
        assertEquals(new BigDecimal("1234.56"), out.valid.get(0).spend());
    }

    @Test
    void undecodableBytesRejectOnlyTheirRecord() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("2024-03-01,A,google,1,1,1,1,a\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("2024-03-01,Caf".getBytes(StandardCharsets.UTF_8));
        bytes.write(0xE9); // windows-1252 é inside a file read as UTF-8
        bytes.writeBytes(",google,1,1,1,1,a\n2024-03-01,\"B".getBytes(StandardCharsets.UTF_8));
        bytes.write(0xFF);
        bytes.writeBytes("\n\",google,1,1,1,1,a\n2024-03-01,C,google,1,1,1,1,a\n".getBytes(StandardCharsets.UTF_8));
        byte[] data = bytes.toByteArray();
        Dialect dialect = new Dialect("UTF-8", 0, ',', '"', HEADER);
        Collected out = new Collected();
        ChunkOutcome outcome = ChunkReader.read(new ByteArrayInputStream(data),
                message(dialect, MAPPING, NumberStyle.US, data.length, 4, 10, 20), out);
        assertEquals(new ChunkOutcome(4, 2, 2), outcome);
        RowError cafe = out.rejected.get(11L).get(0);
        assertEquals(RowErrorCode.ENCODING, cafe.code());
        assertEquals(21, cafe.lineNo());
        assertEquals("record 11 (line 21) contains byte 0xE9 at offset 44 of the chunk that cannot be read as UTF-8, "
                + "the encoding assumed for this file; if the file was saved in another encoding such as "
                + "windows-1252 (Excel on Windows), re-run the import with that encoding", cafe.message());
        assertEquals(RowErrorCode.ENCODING, out.rejected.get(12L).get(0).code());
        assertEquals(24, out.valid.get(1).lineNo());
    }

    @Test
    void aNulCharacterRejectsItsRecordWhereverItIs() {
        String data = "2024-03-01,A,google,1\u00005,1,1,1,a\n"
                + "2024-03-01,Cam\u0000paign,google,1,1,1,1,a\n"
                + "2024-03-01,B,google,1,1,1,1,group\u0000\n"
                + "2024-03-01,C,google,1,1,1,1,c\n";
        Collected out = readWhole(data, StandardCharsets.UTF_8, ',', NumberStyle.US, 1, 2, 4);
        assertEquals(List.of(1L, 2L, 3L), List.copyOf(out.rejected.keySet()));
        assertEquals(RowErrorCode.INVALID_NUMBER, out.rejected.get(1L).get(0).code());
        RowError campaign = out.rejected.get(2L).get(0);
        assertEquals(RowErrorCode.INVALID_TEXT, campaign.code());
        assertEquals("Campaign", campaign.column());
        assertEquals("record 2 (line 3), column \"Campaign\": the value \"Cam\u0000paign\" contains a NUL character "
                + "(U+0000, byte 0x00) at character 4, which cannot be stored as text; remove it from the file",
                campaign.message());
        assertEquals("Ad group", out.rejected.get(3L).get(0).column(), "an unmapped column is stored too");
        assertEquals(List.of("C"), out.valid.stream().map(ValidRecord::campaign).toList());
    }

    @Test
    void unmappableWindows1252ByteIsAnEncodingError() {
        byte[] data = {'2', '0', '2', '4', '-', '0', '3', '-', '0', '1', ';', 'x', (byte) 0x81, ';', 'g', '\n'};
        Dialect dialect = new Dialect("windows-1252", 0, ';', '"', List.of("d", "c", "ch"));
        Mapping mapping = mapping(Map.of(CanonicalField.DATE, "d", CanonicalField.CAMPAIGN, "c",
                CanonicalField.CHANNEL, "ch"));
        Collected out = new Collected();
        assertEquals(new ChunkOutcome(1, 0, 1), ChunkReader.read(new ByteArrayInputStream(data),
                message(dialect, mapping, NumberStyle.EUROPEAN, data.length, 1, 1, 2), out));
        assertTrue(out.rejected.get(1L).get(0).message().contains("suchas UTF-8".replace("suchas", "such as")));
    }

    @Test
    void utf16RecordsAndAnOddTrailingByte() {
        String data = "2024-03-01,A,google,1,1,1,1,a\n2024-03-02,B,meta,2,2,2,2,b";
        byte[] le = data.getBytes(StandardCharsets.UTF_16LE);
        byte[] odd = java.util.Arrays.copyOf(le, le.length + 1);
        Dialect dialect = new Dialect("UTF-16LE", 2, ',', '"', HEADER);
        Collected out = new Collected();
        assertEquals(new ChunkOutcome(2, 1, 1), ChunkReader.read(new ByteArrayInputStream(odd),
                message(dialect, MAPPING, NumberStyle.US, odd.length, 2, 1, 2), out));
        assertEquals(RowErrorCode.ENCODING, out.rejected.get(2L).get(0).code());
    }

    @Test
    void anUnclosedQuoteIsReportedWithTheLineItOpenedOn() {
        String data = "2024-03-01,A,google,1,1,1,1,a\n2024-03-01,\"Broken,google,1,1,1,1,a\n2024-03-01,C\n";
        Collected out = readWhole(data, StandardCharsets.UTF_8, ',', NumberStyle.US, 1, 2, 1);
        RowError error = out.rejected.get(2L).get(0);
        assertEquals(RowErrorCode.UNTERMINATED_QUOTE, error.code());
        assertTrue(error.message().startsWith("record 2 (line 3): the quoted field opened on line 3 is never closed"),
                error.message());
        assertEquals(1, out.valid.size());
    }

    @Test
    void aRecordLongerThanTheLimitIsRejectedAndTheRecordsAroundItAreRead() {
        String notes = "x".repeat(ChunkReader.MAX_RECORD_CHARS);
        String data = "2024-03-01,A,google,1,1,1,1,a\n2024-03-01,B,google,1,1,1,1,\"" + notes + "\"\n"
                + "2024-03-02,C,meta,1,1,1,1,c\n";
        Collected out = readWhole(data, StandardCharsets.UTF_8, ',', NumberStyle.US, 1, 2, 1);
        RowError error = out.rejected.get(2L).get(0);
        assertEquals(RowErrorCode.RECORD_TOO_LONG, error.code());
        assertEquals("record 2 (line 3) holds 1,048,597 characters; the most one record may hold is 1,048,576. A "
                + "missing line break, or a quote left open and closed much later, joins many lines into one record",
                error.message());
        assertEquals(RowError.MAX_EXCERPT, error.rawExcerpt().length());
        assertEquals(List.of(1L, 3L), out.valid.stream().map(ValidRecord::recordNo).toList());
    }

    @Test
    void aWrongRecordCountIsABugNotARowError() {
        byte[] data = "2024-03-01,A,google,1,1,1,1,a\n2024-03-01,B,google,1,1,1,1,a\n".getBytes(StandardCharsets.UTF_8);
        Dialect dialect = new Dialect("UTF-8", 0, ',', '"', HEADER);
        IllegalStateException tooMany = assertThrows(IllegalStateException.class, () -> ChunkReader.read(
                new ByteArrayInputStream(data), message(dialect, MAPPING, NumberStyle.US, data.length, 1, 1, 2),
                new Collected()));
        assertTrue(tooMany.getMessage().contains("planned with 1 records"), tooMany.getMessage());
        assertThrows(IllegalStateException.class, () -> ChunkReader.read(new ByteArrayInputStream(data),
                message(dialect, MAPPING, NumberStyle.US, data.length, 3, 1, 2), new Collected()));
        assertThrows(IllegalStateException.class, () -> ChunkReader.read(new ByteArrayInputStream(data),
                message(dialect, MAPPING, NumberStyle.US, data.length + 5, 2, 1, 2), new Collected()));
    }

    /**
     * Random files, random bytes included, cut by the planner at random sizes: every chunk must read back with
     * exactly the planned number of records, each ending valid or rejected, and never an exception.
     */
    @Test
    void fuzzPlannerAndReaderAgreeOnEveryChunk() {
        Random random = new Random(7L);
        String[] pieces = {"2024-03-01", ",", ",", ";", "\"", "\r", "\n", "\r\n", "a", "5", "é", "\"\"", " ",
                "x,y", "1,234.5"};
        List<String> header = List.of("d", "c", "ch");
        Mapping mapping = mapping(Map.of(CanonicalField.DATE, "d", CanonicalField.CAMPAIGN, "c",
                CanonicalField.CHANNEL, "ch"));
        String[] encodings = {"UTF-8", "UTF-16LE", "UTF-16BE", "windows-1252"};
        for (int round = 0; round < 5_000; round++) {
            StringBuilder text = new StringBuilder();
            int parts = random.nextInt(30);
            for (int i = 0; i < parts; i++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            String encoding = encodings[random.nextInt(encodings.length)];
            byte[] bytes = text.toString().getBytes(Charset.forName(encoding));
            if (bytes.length > 0 && random.nextInt(4) == 0) {
                bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(128));
            }
            Dialect dialect = new Dialect(encoding, 0, ',', '"', header);
            List<PlannedChunk> chunks = new ArrayList<>();
            ChunkPlanner planner = new ChunkPlanner(dialect, 0, 2, 1 + random.nextInt(40), 1 + random.nextInt(4),
                    chunks::add);
            planner.feed(bytes, 0, bytes.length);
            PlanSummary summary = planner.finish();
            long total = 0;
            for (PlannedChunk chunk : chunks) {
                Collected out = new Collected();
                byte[] slice = java.util.Arrays.copyOfRange(bytes, (int) chunk.startByte(), (int) chunk.endByte());
                ChunkMessage message = chunk.toMessage("run", "default", "bucket", "key", dialect, mapping,
                        NumberStyle.US);
                ChunkOutcome outcome = ChunkReader.read(new ByteArrayInputStream(slice), message, out);
                assertEquals(chunk.recordCount(), outcome.records(), "round " + round);
                assertEquals(outcome.records(), out.order.size());
                for (int i = 0; i < out.order.size(); i++) {
                    assertEquals(chunk.firstRecord() + i, out.order.get(i));
                }
                total += outcome.records();
            }
            assertEquals(summary.records(), total);
        }
    }

    static Collected readWhole(String data, Charset charset, char delimiter, NumberStyle style, long firstRecord,
            long firstLine, int expectedChunks) {
        byte[] bytes = data.getBytes(charset);
        Dialect dialect = new Dialect(charset.name(), 0, delimiter, '"', HEADER);
        List<PlannedChunk> chunks = new ArrayList<>();
        ChunkPlanner planner = new ChunkPlanner(dialect, 0, firstLine, 1, Integer.MAX_VALUE, chunks::add);
        planner.feed(bytes, 0, bytes.length);
        planner.finish();
        Collected out = new Collected();
        // One chunk per record when target is 1 byte; re-number as if the file started at firstRecord.
        for (PlannedChunk chunk : chunks) {
            byte[] slice = java.util.Arrays.copyOfRange(bytes, (int) chunk.startByte(), (int) chunk.endByte());
            ChunkMessage message = new ChunkMessage("run", "default", chunk.chunkNo(), "b", "k", chunk.startByte(),
                    chunk.endByte(), chunk.firstRecord() + firstRecord - 1, chunk.recordCount(), chunk.firstLine(),
                    dialect, MAPPING, style);
            ChunkReader.read(new ByteArrayInputStream(slice), message, out);
        }
        ChunkMessage whole = new ChunkMessage("run", "default", 1, "b", "k", 0, bytes.length, firstRecord,
                chunks.stream().mapToInt(PlannedChunk::recordCount).sum(), chunks.get(0).firstLine(), dialect,
                MAPPING, style);
        Collected again = new Collected();
        ChunkReader.read(new ByteArrayInputStream(bytes), whole, again);
        assertEquals(out.valid, again.valid, "one chunk or many, the records are the same");
        assertEquals(out.rejected, again.rejected, "one chunk or many, the errors are the same");
        return out;
    }

    static ChunkMessage message(Dialect dialect, Mapping mapping, NumberStyle style, long length, int records,
            long firstRecord, long firstLine) {
        return new ChunkMessage("run", "default", 1, "bucket", "key", 100, 100 + length, firstRecord, records,
                firstLine, dialect, mapping, style);
    }

    static Mapping mapping(Map<CanonicalField, String> columns) {
        return new Mapping(new EnumMap<>(columns));
    }
}
