package dev.sluice.domain.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.domain.dataset.DatasetKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The names every header column gets, for a raw and for a marketing dataset. */
class HeaderNamesTest {

    @Test
    void aRawHeaderKeepsItsExactNamesAndNamesDuplicateAndBlankColumnsVisibly() throws FileRejectedException {
        FileProfile profile = raw("amount,\" Amount \",amount,,Amount,\"  \",amount\nx,y,z,1,2,3,4\n");
        assertEquals(List.of("amount", " Amount ", "amount_2", "column_4", "Amount", "column_6", "amount_3"),
                profile.dialect().header());
        assertEquals(Map.of(), profile.mapping().columns(), "a raw dataset maps nothing");
        assertEquals(profile.dialect().header(), profile.unmappedHeaders());
    }

    @Test
    void aGeneratedNameNeverTakesANameTheHeaderHasItself() {
        assertEquals(List.of("amount", "amount_3", "amount_2", "column_4", "column_4_2"),
                HeaderDetector.uniqueNames(List.of("amount", "amount", "amount_2", "", "column_4"),
                        DatasetKind.RAW));
        assertEquals(List.of("Amount", "amount_3", "AMOUNT_2"),
                HeaderDetector.uniqueNames(List.of("Amount", "amount", "AMOUNT_2"), DatasetKind.MARKETING),
                "marketing compares ignoring case");
    }

    @Test
    void aMarketingHeaderIsTrimmedAndComparedIgnoringCaseAsBefore() {
        assertEquals(List.of("Date", "Channel", "column_3", "Channel_2", "channel_3", "Cost"),
                HeaderDetector.uniqueNames(List.of("\uFEFFDate", "Channel", " ", "Channel", " channel ", "Cost "),
                        DatasetKind.MARKETING));
    }

    @Test
    void aRawDatasetNeedsNoMappingWhereAMarketingOneFails() throws FileRejectedException {
        byte[] bytes = "sku,colour\nA-1,red\n".getBytes(StandardCharsets.UTF_8);
        FileRejectedException missing = assertThrows(FileRejectedException.class,
                () -> FileProfiler.profile(bytes, bytes.length, true, null));
        assertEquals(FileRejectedException.MISSING_COLUMNS, missing.code());
        FileProfile profile = FileProfiler.profile(bytes, bytes.length, true, null, DatasetKind.RAW);
        assertEquals(List.of("sku", "colour"), profile.dialect().header());
        assertEquals(11, profile.dataStartByte());
    }

    private static FileProfile raw(String text) throws FileRejectedException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return FileProfiler.profile(bytes, bytes.length, true, null, DatasetKind.RAW);
    }
}
