package dev.sluice.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.dataset.ReadingSettings.DateOrder;
import dev.sluice.domain.dataset.ReadingSettings.DecimalStyle;
import dev.sluice.domain.validation.RowError;
import dev.sluice.domain.validation.RowErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Files read the way people write them: through profiler, planner and reader, with and without pinned settings. */
class ReadingFilesTest {
    private static final long[] ONE_CHUNK = {Long.MAX_VALUE, Integer.MAX_VALUE, 1 << 16};
    private static final long[] TINY_CHUNKS = {1, 1, 7};

    private static SampleFilesTest.Outcome read(String text, ReadingSettings settings) {
        SampleFilesTest.Outcome one = SampleFilesTest.run(text.getBytes(StandardCharsets.UTF_8), ONE_CHUNK, null,
                settings);
        SampleFilesTest.Outcome tiny = SampleFilesTest.run(text.getBytes(StandardCharsets.UTF_8), TINY_CHUNKS, null,
                settings);
        assertEquals(one.valid(), tiny.valid(), "every chunk reads with the file's decisions");
        assertEquals(one.rejected(), tiny.rejected());
        return one;
    }

    private static ReadingSettings settings(String encoding, String delimiter, int headerRow, DateOrder order,
            DecimalStyle decimals) {
        return new ReadingSettings(encoding, delimiter, headerRow, order, decimals);
    }

    private static String message(SampleFilesTest.Outcome outcome, long record) {
        List<RowError> errors = outcome.rejected().get(record);
        return errors == null ? null : errors.get(0).code() + " " + errors.get(0).message();
    }

    @Test
    void aTrulyAmbiguousDateColumnUsesTheSettingAndSaysSo() {
        String text = "Date,Campaign,Channel,Spend\n01/02/2024,A,g,1\n03/04/2024,B,g,2\n";
        SampleFilesTest.Outcome auto = read(text, ReadingSettings.AUTO);
        assertEquals("2024-01-02", auto.valid().get(1L).date().toString());
        assertTrue(auto.file().toString().contains("\"dateOrder\":\"mdy\",\"decidedBy\":\"default\""),
                auto.file().toString());
        SampleFilesTest.Outcome pinned = read(text, settings("auto", "auto", 0, DateOrder.DMY, DecimalStyle.AUTO));
        assertEquals("2024-02-01", pinned.valid().get(1L).date().toString());
        assertEquals("2024-04-03", pinned.valid().get(2L).date().toString());
        assertTrue(pinned.file().toString().contains("\"dateOrder\":\"dmy\",\"decidedBy\":\"setting\""));
    }

    @Test
    void oneValueDecidesTheDateOrderOfTheWholeColumnAndAContradictionSaysWhatTheColumnIs() {
        String text = "Date,Campaign,Channel,Spend\n03/04/2024,A,g,1\n25/04/2024,B,g,2\n26/04/2024,B,g,2\n"
                + "04/30/2024,C,g,3\n";
        SampleFilesTest.Outcome outcome = read(text, ReadingSettings.AUTO);
        assertEquals("2024-04-03", outcome.valid().get(1L).date().toString());
        assertEquals("INVALID_DATE record 4 (line 5), column \"Date\": date '04/30/2024' is not a valid date: there "
                + "is no month 30; this column is day-month-year", message(outcome, 4L));
    }

    @Test
    void aYearFirstColumnRefusesAStraySlashDateAndSaysWhatTheColumnIs() {
        String text = "Date,Campaign,Channel,Spend\n2024-13-40,A,g,1\n2024-04-02,B,g,2\n04/03/2024,C,g,3\n";
        SampleFilesTest.Outcome outcome = read(text, ReadingSettings.AUTO);
        assertEquals("INVALID_DATE record 1 (line 2), column \"Date\": date '2024-13-40' is not a valid date: there "
                + "is no month 13; this column is year-month-day", message(outcome, 1L));
        assertTrue(message(outcome, 3L).startsWith("INVALID_DATE record 3 (line 4), column \"Date\": date "
                + "'04/03/2024' is not a year-month-day date; this column is year-month-day"), message(outcome, 3L));
    }

    @Test
    void decimalMarksAreDecidedPerColumnAndAPinnedStyleWins() {
        String text = "Date;Campaign;Channel;Spend;Conversions;Clicks\n"
                + "2024-01-01;A;g;1.234,50 €;2.5;1.200\n2024-01-02;B;g;0,75 €;0.25;3\n";
        SampleFilesTest.Outcome auto = read(text, ReadingSettings.AUTO);
        assertEquals(0, new java.math.BigDecimal("1234.50").compareTo(auto.valid().get(1L).spend()));
        assertEquals(0, new java.math.BigDecimal("2.5").compareTo(auto.valid().get(1L).conversions()));
        assertEquals(1200L, auto.valid().get(1L).clicks());
        String file = auto.file().toString();
        assertTrue(file.contains("\"column\":\"Spend\",\"field\":\"spend\",\"type\":\"decimal\",\"decimalMark\":"
                + "\"comma\",\"thousandsSeparator\":\".\",\"currency\":\"€\",\"decidedBy\":\"values\""), file);
        assertTrue(file.contains("\"column\":\"Conversions\",\"field\":\"conversions\",\"type\":\"decimal\","
                + "\"decimalMark\":\"point\""), file);

        SampleFilesTest.Outcome pinned = read(text, settings("auto", "auto", 0, DateOrder.AUTO, DecimalStyle.COMMA));
        assertTrue(message(pinned, 1L).startsWith("INVALID_NUMBER record 1 (line 2), column \"Conversions\": "
                + "conversions '2.5' is not a number; expected European style (1.234,56)"), message(pinned, 1L));
        assertTrue(pinned.file().toString().contains("\"column\":\"Conversions\",\"field\":\"conversions\","
                + "\"type\":\"decimal\",\"decimalMark\":\"comma\",\"thousandsSeparator\":\".\",\"currency\":null,"
                + "\"decidedBy\":\"setting\""), pinned.file().toString());
    }

    @Test
    void accountingNegativesAndPercentagesAreRefusedWithTheValueQuoted() {
        String text = "Date,Campaign,Channel,Spend,Clicks\n2024-01-01,A,g,(12.50),1\n2024-01-01,B,g,12%,1\n"
                + "2024-01-01,C,g,  USD 1.50  ,1\n";
        SampleFilesTest.Outcome outcome = read(text, ReadingSettings.AUTO);
        assertEquals("NEGATIVE record 1 (line 2), column \"Spend\": spend '(12.50)' is negative; expected 0 or more",
                message(outcome, 1L));
        assertTrue(message(outcome, 2L).startsWith("INVALID_NUMBER record 2 (line 3), column \"Spend\": spend '12%' "
                + "is a percentage, which this field cannot hold"), message(outcome, 2L));
        assertEquals(0, new java.math.BigDecimal("1.50").compareTo(outcome.valid().get(3L).spend()));
    }

    @Test
    void summaryRowsAreTheirOwnErrorWhereverTheyAreButADatedRecordIsData() {
        String text = "Date,Campaign,Channel,Spend\n2024-01-01,Total Sale,g,1\nSubtotal,,,1\n2024-01-02,B,g,2\n"
                + "Total: Account,,,3\n,TOTALS,,3\n,Gesamt (alle),,3\n2024-01-03,Total,g,4\nGrand total,3\n"
                + "Total général,,,3\n,Totally,g,3\n";
        SampleFilesTest.Outcome outcome = read(text, ReadingSettings.AUTO);
        assertEquals(List.of(1L, 3L, 7L), List.copyOf(outcome.valid().keySet()));
        for (long record : List.of(2L, 4L, 5L, 6L, 8L, 9L)) {
            assertEquals(RowErrorCode.SUMMARY_ROW, outcome.rejected().get(record).get(0).code(), "record " + record);
        }
        assertEquals("SUMMARY_ROW record 4 (line 5) is a summary row ('Total: Account' in column \"Date\"), not "
                + "data, so it was not loaded; nothing needs fixing, or remove the totals from the export",
                message(outcome, 4L));
        assertEquals("Campaign", outcome.rejected().get(5L).get(0).column());
        assertEquals(RowErrorCode.REQUIRED, outcome.rejected().get(10L).get(0).code(), "'Totally' is no label");
    }

    @Test
    void excelsSepLineNamesTheDelimiterAndIsNoRecord() {
        SampleFilesTest.Outcome outcome = read("\"sep=|\"\r\nDate|Campaign|Channel|Spend\r\n2024-01-01|A,B|g|1\r\n",
                ReadingSettings.AUTO);
        assertEquals(1, outcome.records());
        assertEquals("A,B", outcome.valid().get(1L).campaign());
        assertEquals(3L, outcome.valid().get(1L).lineNo());
        assertTrue(outcome.file().toString().contains("\"delimiter\":\"sep line\",\"headerLine\":2,\"sepLine\":true"),
                outcome.file().toString());
    }

    @Test
    void aPreambleIsSkippedByShapeOrByThePinnedHeaderRow() {
        String text = "Report: Campaigns\n\nFrom,2024-01-01,,,\nTo,2024-01-31,,,\nDate,Campaign,Channel,Spend,Clicks\n"
                + "2024-01-01,A,g,1,1\n2024-01-02,B,g,2,2\n";
        SampleFilesTest.Outcome auto = read(text, ReadingSettings.AUTO);
        assertEquals(2, auto.records());
        assertEquals(7L, auto.valid().get(2L).lineNo());
        assertTrue(auto.file().toString().contains("\"headerLine\":5,\"sepLine\":false,\"preamble\":{\"records\":3,"
                + "\"text\":[\"Report: Campaigns\",\"From,2024-01-01,,,\",\"To,2024-01-31,,,\"]}"),
                auto.file().toString());
        SampleFilesTest.Outcome pinned = read(text, settings("auto", "auto", 5, DateOrder.AUTO, DecimalStyle.AUTO));
        assertEquals(auto.valid(), pinned.valid());
        SampleFilesTest.Outcome wrong = read(text, settings("auto", "auto", 2, DateOrder.AUTO, DecimalStyle.AUTO));
        assertTrue(wrong.failureCode().startsWith("HEADER_NOT_FOUND: the dataset's header row is line 2"),
                wrong.failureCode());
    }

    @Test
    void aPinnedDelimiterAndEncodingOverrideDetection() throws Exception {
        String text = "Date|Campaign|Channel|Spend\n2024-01-01|A,1|g|1\n2024-01-02|B,2|g|2\n";
        SampleFilesTest.Outcome pinned = read(text, settings("auto", "|", 0, DateOrder.AUTO, DecimalStyle.AUTO));
        assertEquals(2, pinned.stored());
        assertEquals("A,1", pinned.valid().get(1L).campaign());
        assertTrue(pinned.file().toString().contains("\"delimiter\":\"setting\""), pinned.file().toString());
        SampleFilesTest.Outcome wrong = read(text, settings("auto", ",", 0, DateOrder.AUTO, DecimalStyle.AUTO));
        assertTrue(wrong.failureCode().startsWith("MISSING_COLUMNS"), "the pin is obeyed, even when wrong");

        byte[] latin1 = "Date,Campaign,Channel,Spend\n2024-01-01,Caf\u00e9,g,1\n".getBytes(StandardCharsets.UTF_8);
        SampleFilesTest.Outcome read = SampleFilesTest.run(latin1, ONE_CHUNK, null,
                settings("ISO-8859-1", "auto", 0, DateOrder.AUTO, DecimalStyle.AUTO));
        assertEquals("Caf\u00c3\u00a9", read.valid().get(1L).campaign(), "the pinned encoding is the user's word");
        assertTrue(read.file().toString().contains("\"encoding\":\"ISO-8859-1\""), read.file().toString());
    }

    @Test
    void utf16WithoutAByteOrderMarkIsReadInEitherByteOrder() {
        String text = "Date\tCampaign\tChannel\tSpend\r\n2024-01-01\tMünchen\tg\t1\r\n";
        for (var charset : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
            SampleFilesTest.Outcome outcome = SampleFilesTest.run(text.getBytes(charset), ONE_CHUNK, null,
                    ReadingSettings.AUTO);
            assertEquals("München", outcome.valid().get(1L).campaign(), charset.name());
            assertTrue(outcome.file().toString().contains("\"encoding\":\"" + charset.name() + "\""));
        }
    }

    @Test
    void aHeaderWithBytesThatAreNotItsEncodingFailsTheFileWithAClearError() throws Exception {
        // A UTF-8 file whose header lost the lead byte of its \u00e9: one bad byte, in the header.
        String text = "Date,Campaign,Channel,Spend,Note\u00e9\n2024-01-01,\u00c9t\u00e9,g,1,\u00e0\n"
                + "2024-01-02,No\u00ebl,g,1,\u00e8\n";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int bad = "Date,Campaign,Channel,Spend,Note".length();
        byte[] broken = new byte[utf8.length - 1];
        System.arraycopy(utf8, 0, broken, 0, bad);
        System.arraycopy(utf8, bad + 1, broken, bad, utf8.length - bad - 1);
        SampleFilesTest.Outcome outcome = SampleFilesTest.run(broken, ONE_CHUNK, null, ReadingSettings.AUTO);
        assertEquals("HEADER_ENCODING: the header (line 1) holds byte 0xA9 at byte 32, which is not valid UTF-8, "
                + "the encoding chosen for this file, so its column names cannot be read; save the file as CSV "
                + "UTF-8, or set the dataset's encoding (e.g. windows-1252) and import again", outcome.failureCode());
        assertNull(outcome.file());
    }
}
