package dev.sluice.domain.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.HeaderMatcher;
import dev.sluice.domain.mapping.Mapping;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileProfilerTest {

    static FileProfile profile(byte[] bytes) throws FileRejectedException {
        return FileProfiler.profile(bytes, bytes.length, true, null);
    }

    static FileProfile profile(String text) throws FileRejectedException {
        return profile(text.getBytes(StandardCharsets.UTF_8));
    }

    static FileRejectedException rejected(byte[] bytes, Mapping requested) {
        return assertThrows(FileRejectedException.class,
                () -> FileProfiler.profile(bytes, bytes.length, true, requested));
    }

    @Test
    void googleAdsLikeExport() throws FileRejectedException {
        String text = "Day,Campaign,Channel,Cost,Clicks,Impr.,Conversions,Ad group\r\n"
                + "2024-03-01,Spring,google,\"1,234.56\",10,100,1.5,AG\r\n";
        FileProfile profile = profile(text);
        assertEquals(new Dialect("UTF-8", 0, ',', '"',
                List.of("Day", "Campaign", "Channel", "Cost", "Clicks", "Impr.", "Conversions", "Ad group")),
                profile.dialect());
        assertEquals(text.indexOf("2024"), profile.dataStartByte());
        assertEquals(2, profile.dataStartLine());
        assertEquals(Map.of(CanonicalField.DATE, "Day", CanonicalField.CAMPAIGN, "Campaign",
                CanonicalField.CHANNEL, "Channel", CanonicalField.SPEND, "Cost", CanonicalField.CLICKS, "Clicks",
                CanonicalField.IMPRESSIONS, "Impr.", CanonicalField.CONVERSIONS, "Conversions"),
                profile.mapping().columns());
        assertEquals(NumberStyle.US, profile.numberStyle());
        assertEquals(List.of("Ad group"), profile.unmappedHeaders());
    }

    @Test
    void byteOrderMarksDecideTheEncoding() throws FileRejectedException {
        String text = "Date\tCampaign\tSource\n2024-03-01\tA\tb\n";
        byte[] utf8 = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, text.getBytes(StandardCharsets.UTF_8));
        FileProfile p8 = profile(utf8);
        assertEquals("UTF-8", p8.dialect().encoding());
        assertEquals(3, p8.dialect().bomLength());
        assertEquals('\t', p8.dialect().delimiter());
        assertEquals("Date", p8.dialect().header().get(0));
        assertEquals(3 + text.indexOf("2024"), p8.dataStartByte());

        byte[] le = concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, text.getBytes(StandardCharsets.UTF_16LE));
        FileProfile p16 = profile(le);
        assertEquals("UTF-16LE", p16.dialect().encoding());
        assertEquals(2, p16.dialect().bomLength());
        assertEquals(2 + 2 * text.indexOf("2024"), p16.dataStartByte());
        assertEquals(List.of("Date", "Campaign", "Source"), p16.dialect().header());

        byte[] be = concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, text.getBytes(StandardCharsets.UTF_16BE));
        assertEquals("UTF-16BE", profile(be).dialect().encoding());
        assertEquals(2 + 2 * text.indexOf("2024"), profile(be).dataStartByte());
    }

    @Test
    void invalidUtf8MeansWindows1252() throws FileRejectedException {
        byte[] bytes = "Datum;Kampagne;Kanal;Kosten\r\n01.03.2024;Frühling;google;1.234,56\r\n"
                .getBytes(Charset.forName("windows-1252"));
        FileProfile profile = FileProfiler.profile(bytes, bytes.length, true, mapping(Map.of(
                CanonicalField.DATE, "datum", CanonicalField.CAMPAIGN, "KAMPAGNE", CanonicalField.CHANNEL, "Kanal",
                CanonicalField.SPEND, "Kosten")));
        assertEquals("windows-1252", profile.dialect().encoding());
        assertEquals(';', profile.dialect().delimiter());
        assertEquals(NumberStyle.EUROPEAN, profile.numberStyle());
        assertEquals("Datum", profile.mapping().columns().get(CanonicalField.DATE));
    }

    @Test
    void aMultiByteCharacterCutByThePrefixEndIsStillUtf8() throws FileRejectedException {
        byte[] whole = "Date,Campaign,Channel\n2024-03-01,Café,g\n2024-03-01,é".getBytes(StandardCharsets.UTF_8);
        FileProfile profile = FileProfiler.profile(whole, whole.length - 1, false, null);
        assertEquals("UTF-8", profile.dialect().encoding());
        assertEquals(new EncodingDetector.Utf8Census(3, 0),
                EncodingDetector.utf8Census(whole, whole.length - 1, false));
        assertEquals(new EncodingDetector.Utf8Census(2, 1), EncodingDetector.utf8Census(whole, whole.length - 1, true));
    }

    @Test
    void aUtf8FileWithAFewBadBytesInItsFirstMebibyteIsStillUtf8() throws FileRejectedException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes("Date,Campaign,Channel,Spend\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 1; i <= 200; i++) {
            file.writeBytes(("2024-03-01,café " + i + ",google,1.5\n").getBytes(StandardCharsets.UTF_8));
            if (i == 3 || i == 150) {
                // A stray windows-1252 é and a lone continuation byte, as a bad copy and paste leaves them.
                file.writeBytes(new byte[] {'2', '0', '2', '4', '-', '0', '3', '-', '0', '1', ',', 'x', (byte) 0xE9,
                    ',', 'g', ',', '1', (byte) 0x80, '\n'});
            }
        }
        byte[] bytes = file.toByteArray();
        assertEquals(new EncodingDetector.Utf8Census(400, 4), EncodingDetector.utf8Census(bytes, bytes.length, true));
        assertEquals("UTF-8", profile(bytes).dialect().encoding());
    }

    @Test
    void windows1252IsChosenOnlyWhenMostHighBytesAreNotUtf8() throws FileRejectedException {
        // "Café" in windows-1252 in every record, and one pair of bytes that happens to be valid UTF-8 ("Â©").
        StringBuilder text = new StringBuilder("Date,Campaign,Channel\n2024-03-01,Â© Brand,g\n");
        for (int i = 0; i < 10; i++) {
            text.append("2024-03-01,Café ").append(i).append(",g\n");
        }
        byte[] bytes = text.toString().getBytes(Charset.forName("windows-1252"));
        assertEquals(new EncodingDetector.Utf8Census(2, 10), EncodingDetector.utf8Census(bytes, bytes.length, true));
        assertEquals("windows-1252", profile(bytes).dialect().encoding());

        byte[] single = "Date,Campaign,Channel\n2024-03-01,Café,g\n".getBytes(Charset.forName("windows-1252"));
        assertEquals("windows-1252", profile(single).dialect().encoding(), "one lone high byte looks like 1252");
    }

    @ParameterizedTest
    @CsvSource({
        "C3A9, 2, 0",          // é
        "E282AC, 3, 0",        // €
        "F09F9880, 4, 0",      // an emoji
        "C0AF, 0, 2",          // overlong '/'
        "EDA080, 0, 3",        // a UTF-16 surrogate encoded in UTF-8
        "F4908080, 0, 4",      // above U+10FFFF
        "E9, 0, 1",            // windows-1252 é at the end of the whole file
        "41E94142, 0, 1",      // ... between ASCII letters
        "80BF, 0, 2"           // continuation bytes without a lead byte
    })
    void utf8CensusCountsValidAndInvalidHighBytes(String hex, int valid, int invalid) {
        byte[] bytes = java.util.HexFormat.of().parseHex(hex);
        assertEquals(new EncodingDetector.Utf8Census(valid, invalid),
                EncodingDetector.utf8Census(bytes, bytes.length, true));
    }

    @Test
    void headerWithQuotedNewlinesBlankLinesAndLoneCr() throws FileRejectedException {
        String text = "\r\n\r\n\"Date\",\"Campaign\nname\",Channel,,Channel,\" channel \"\r2024-03-01,a,b,c,d,e\r";
        FileProfile profile = profile(text);
        assertEquals(List.of("Date", "Campaign\nname", "Channel", "column_4", "Channel_2", "channel_3"),
                profile.dialect().header());
        assertEquals(text.indexOf("2024"), profile.dataStartByte());
        assertEquals(5, profile.dataStartLine());
        assertEquals("Campaign\nname", profile.mapping().columns().get(CanonicalField.CAMPAIGN));
        assertEquals(List.of("column_4", "Channel_2", "channel_3"), profile.unmappedHeaders());
    }

    @Test
    void headerOnlyFileHasNoRecordsButIsFine() throws FileRejectedException {
        FileProfile profile = profile("Date,Campaign,Channel");
        assertEquals(21, profile.dataStartByte());
        assertEquals(1, profile.dataStartLine(), "no terminator, so the (empty) data starts on the header's line");
        FileProfile terminated = profile("Date,Campaign,Channel\r\n");
        assertEquals(23, terminated.dataStartByte());
    }

    @Test
    void metaStyleHeadersAreRecognized() throws FileRejectedException {
        FileProfile profile = profile("Reporting starts,Campaign name,Platform,Amount spent (USD),Link clicks,"
                + "Results,Impressions\n");
        assertEquals(Map.of(CanonicalField.DATE, "Reporting starts", CanonicalField.CAMPAIGN, "Campaign name",
                CanonicalField.CHANNEL, "Platform", CanonicalField.SPEND, "Amount spent (USD)",
                CanonicalField.CLICKS, "Link clicks", CanonicalField.CONVERSIONS, "Results",
                CanonicalField.IMPRESSIONS, "Impressions"), profile.mapping().columns());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Source / medium|sourcemedium",
        "Amount spent (USD)|amountspent",
        "  Conv. |conv",
        "IMPR.|impr",
        "Report_Date|reportdate",
    })
    void headerNormalization(String header, String normalized) {
        assertEquals(normalized, HeaderMatcher.normalize(header));
    }

    @Test
    void channelIsPreferredToSourceAndEachColumnFeedsOneField() {
        Mapping mapping = HeaderMatcher.suggest(List.of("Date", "Source", "Campaign", "Channel", "Cost", "Spend"));
        assertEquals("Channel", mapping.columns().get(CanonicalField.CHANNEL));
        assertEquals("Spend", mapping.columns().get(CanonicalField.SPEND));
    }

    @Test
    void missingRequiredColumnsAreNamedWithTheFix() {
        FileRejectedException e = rejected("Day,Campaign,Cost\n2024-03-01,a,1\n".getBytes(StandardCharsets.UTF_8),
                null);
        assertEquals("MISSING_COLUMNS", e.code());
        assertTrue(e.getMessage().startsWith("no column was found for the required field channel; the header has "
                + "\"Day\", \"Campaign\", \"Cost\". Rename the column"), e.getMessage());
        assertTrue(e.getMessage().contains("{\"channel\": \"Your column\"}"), e.getMessage());
    }

    @Test
    void requestedMappingOverridesAndUnknownColumnsAreRejected() throws FileRejectedException {
        byte[] bytes = "Day,Campaign,Source,Medium,Cost\n".getBytes(StandardCharsets.UTF_8);
        FileProfile profile = FileProfiler.profile(bytes, bytes.length, true,
                mapping(Map.of(CanonicalField.CHANNEL, "medium", CanonicalField.CLICKS, " cost ")));
        assertEquals("Medium", profile.mapping().columns().get(CanonicalField.CHANNEL));
        assertEquals("Cost", profile.mapping().columns().get(CanonicalField.CLICKS));
        assertEquals(null, profile.mapping().columns().get(CanonicalField.SPEND), "Cost was claimed by clicks");
        assertEquals(List.of("Source"), profile.unmappedHeaders());
        // "Day" was claimed by spend, so date is left without a column.
        FileRejectedException missing = rejected(bytes,
                mapping(Map.of(CanonicalField.SPEND, "Day")));
        assertEquals("MISSING_COLUMNS", missing.code());

        FileRejectedException unknown = rejected(bytes, mapping(Map.of(CanonicalField.CHANNEL, "Kanal")));
        assertEquals("UNKNOWN_COLUMN", unknown.code());
        assertEquals("the mapping names column \"Kanal\" for channel, but the file has no such column; its columns "
                + "are \"Day\", \"Campaign\", \"Source\", \"Medium\", \"Cost\"", unknown.getMessage());
    }

    @Test
    void emptyFiles() {
        assertEquals("EMPTY_FILE", rejected(new byte[0], null).code());
        assertEquals("EMPTY_FILE", rejected("\r\n\n\r\n".getBytes(StandardCharsets.UTF_8), null).code());
        assertEquals("EMPTY_FILE", rejected(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, null).code());
    }

    @Test
    void binaryUploadsSayWhatTheyLookLike() {
        FileRejectedException xlsx = rejected(new byte[] {'P', 'K', 3, 4, 20, 0, 6, 0}, null);
        assertEquals("UNREADABLE_FILE", xlsx.code());
        assertTrue(xlsx.getMessage().contains("Excel workbook (.xlsx)"), xlsx.getMessage());
        assertTrue(rejected(new byte[] {0x1F, (byte) 0x8B, 8, 0}, null).getMessage().contains("gzip"));
        FileRejectedException nul = rejected("Date,Campaign\n\0\0x".getBytes(StandardCharsets.UTF_8), null);
        assertEquals("UNREADABLE_FILE", nul.code());
        assertTrue(nul.getMessage().contains("NUL bytes (the first at byte 14)"), nul.getMessage());
        FileRejectedException mixed = rejected("Date,Campaign\n\0\0\0\0x".repeat(20).getBytes(StandardCharsets.UTF_8),
                null);
        assertTrue(mixed.getMessage().contains("NUL bytes"), mixed.getMessage());
    }

    @Test
    void aHeaderThatDoesNotEndInThePrefixIsRejected() {
        byte[] bytes = "Date,\"Campaign,Channel\n2024,a,b\n".getBytes(StandardCharsets.UTF_8);
        FileRejectedException e = assertThrows(FileRejectedException.class,
                () -> FileProfiler.profile(bytes, bytes.length, false, null));
        assertEquals("HEADER_TOO_LONG", e.code());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Date,Campaign,Channel,Spend|1234.5;12.5|US",
        "Date,Campaign,Channel,Spend|\"1,234.56\";7|US",
        "Date;Campaign;Channel;Spend|1.234,56;7|EUROPEAN",
        "Date;Campaign;Channel;Spend|0,75;12|EUROPEAN",
        "Date,Campaign,Channel,Spend|\"12,5\";3|EUROPEAN",
        "Date,Campaign,Channel,Spend|\"1,234\";\"2,000\"|US",
        "Date;Campaign;Channel;Spend|1.234;2.000|EUROPEAN",
        "Date;Campaign;Channel;Spend|12.5;3.75;1,5|US",
        "Date,Campaign,Channel,Spend|5;7|US",
        "Date;Campaign;Channel;Spend|5;7|EUROPEAN",
        "Date,Campaign,Channel,Spend|\"$1,234.50\";$3.10|US",
    })
    void numberStyleFromValues(String header, String values, NumberStyle expected) throws FileRejectedException {
        char delimiter = header.charAt(4);
        StringBuilder text = new StringBuilder(header).append('\n');
        for (String value : values.split(";")) {
            text.append("2024-03-01").append(delimiter).append('a').append(delimiter).append('b').append(delimiter)
                    .append(value).append('\n');
        }
        assertEquals(expected, profile(text.toString()).numberStyle(), text.toString());
    }

    @Test
    void delimiterIsTheConsistentOne() throws FileRejectedException {
        assertEquals('|', profile("Date|Campaign|Channel\n2024-03-01|a, b; c|x\n").dialect().delimiter());
        assertEquals(';', profile("Date;Campaign;Channel;Spend\n2024-03-01;a,b;x;1,5\n").dialect().delimiter());
        assertEquals(',', profile("Date,Campaign,Channel\n2024-03-01,\"a;b;c;d\",x\n").dialect().delimiter());
    }

    static Mapping mapping(Map<CanonicalField, String> columns) {
        return new Mapping(new EnumMap<>(columns));
    }

    static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
