package dev.sluice.domain.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.Mapping;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The profiler's mapping is the auto-mapping of the header and the first records, confident proposals only. */
class FileProfilerMappingTest {
    private static FileProfile profile(String text, boolean complete) throws FileRejectedException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return FileProfiler.profile(bytes, bytes.length, complete, null);
    }

    @Test
    void aGermanExportWithAnUnnamedDateColumnIsMapped() throws FileRejectedException {
        FileProfile profile = profile("""
                Zeitraum;Kampagne;Kanal;Kosten;Klicks;Anzahl
                01.03.2024;Frühjahr;google;1.234,56;1.204;7
                02.03.2024;Marke;facebook;99,00;87;3
                """, true);
        assertEquals(Map.of(CanonicalField.DATE, "Zeitraum", CanonicalField.CAMPAIGN, "Kampagne",
                CanonicalField.CHANNEL, "Kanal", CanonicalField.SPEND, "Kosten", CanonicalField.CLICKS, "Klicks"),
                profile.mapping().columns(), "a guess of whole numbers (0.3) is not applied");
        assertEquals(List.of("Anzahl"), profile.unmappedHeaders());
        assertEquals(NumberStyle.EUROPEAN, profile.numberStyle());
    }

    @Test
    void theLosingColumnOfAConflictStaysUnmappedAndIsKeptAsExtra() throws FileRejectedException {
        FileProfile profile = profile("Date,Campaign,Channel,Cost,Spend\n2024-03-01,a,google,1.00,2.00\n", true);
        assertEquals("Spend", profile.mapping().headerFor(CanonicalField.SPEND).orElseThrow());
        assertEquals(List.of("Cost"), profile.unmappedHeaders());
    }

    @Test
    void aRecordCutOffByThePrefixIsNotLookedAt() throws FileRejectedException {
        // Cut inside the second record: "2024-03-0" is not a date, and must not make the column look mixed.
        String whole = "Col1,Campaign,Channel\n2024-03-01,a,google\n2024-03-0";
        FileProfile profile = profile(whole, false);
        assertEquals("Col1", profile.mapping().headerFor(CanonicalField.DATE).orElseThrow());
        assertEquals(List.of("a"), SampleRows.of("a\n2024-03-0", false, ',', '"', 50).get(0));
        assertEquals(1, SampleRows.of("a\n2024-03-0", false, ',', '"', 50).size());
        assertEquals(2, SampleRows.of("a\nb", true, ',', '"', 50).size());
        assertEquals(2, SampleRows.of("a\nb\nc", false, ',', '"', 2).size(), "a third record started");
        assertEquals(1, SampleRows.of("a\n\"open", false, ',', '"', 50).size());
    }

    @Test
    void aRequestedMappingStillOverridesTheSuggestion() throws FileRejectedException {
        byte[] bytes = "Tag,Kampagne,Kanal,Kosten,Budget\n".getBytes(StandardCharsets.UTF_8);
        FileProfile profile = FileProfiler.profile(bytes, bytes.length, true,
                new Mapping(Map.of(CanonicalField.SPEND, "Budget")));
        assertEquals("Budget", profile.mapping().headerFor(CanonicalField.SPEND).orElseThrow());
        assertEquals(List.of("Kosten"), profile.unmappedHeaders());
    }
}
