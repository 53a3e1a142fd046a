package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Auto-mapping over real HTTP: {@code POST /api/mappings/suggest} proposes a German export's mapping, and the same
 * file uploaded without a mapping is imported with exactly the proposals an import applies (names, and a column of
 * dates whose name is unknown).
 */
class AutoMappingEndToEndTest {
    private static final String GERMAN_EXPORT = """
            Zeitraum;Kampagne;Kanal;Kosten;Klicks;Impressionen;Notiz
            01.03.2024;Frühjahr;google;1.234,56;1.204;45.300;a
            02.03.2024;Marke;facebook;99,00;87;3.100;b
            """;
    private static Path dataDir;
    private static LocalSluice sluice;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-automap");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir).build());
        api = new ApiClient(sluice.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        TestDirs.stop(sluice, dataDir);
    }

    @Test
    void aGermanExportIsSuggestedAndImportedWithoutAMapping() throws Exception {
        ApiClient.Response suggested = api.post("mappings/suggest", """
                {"header": ["Zeitraum", "Kampagne", "Kanal", "Kosten", "Klicks", "Impressionen", "Notiz"],
                 "rows": [["01.03.2024", "Frühjahr", "google", "1.234,56", "1.204", "45.300", "a"],
                          ["02.03.2024", "Marke", "facebook", "99,00", "87", "3.100", "b"]]}""");
        assertEquals(200, suggested.status(), () -> suggested.body().toString());
        JsonNode body = suggested.body();
        assertEquals("suggested", body.get("source").asText());
        assertEquals(api.json.readTree("""
                {"header": "Zeitraum", "confidence": 0.55, "reason": "no known name; the values are dates (2 of 2)"}
                """), body.at("/mapping/date"));
        assertEquals("German name for campaign; the values are labels", body.at("/mapping/campaign/reason").asText());
        assertEquals(api.json.readTree("[\"Notiz\"]"), body.get("unmapped"));

        String runId = api.upload("kampagnen-maerz.csv", GERMAN_EXPORT.getBytes(StandardCharsets.UTF_8), null);
        JsonNode run = api.awaitFinal(runId);
        assertEquals("SUCCEEDED", run.get("status").asText(), run::toString);
        JsonNode used = run.at("/file/mapping");
        for (String field : List.of("date", "campaign", "channel", "spend", "clicks", "impressions")) {
            assertEquals(body.at("/mapping/" + field + "/header").asText(), used.path(field).asText(),
                    field + " as suggested: " + run);
        }
        List<JsonNode> records = api.all("runs/" + runId + "/records");
        assertEquals(2, records.size());
        assertEquals("2024-03-01", records.get(0).get("date").asText());
        assertEquals("Frühjahr", records.get(0).get("campaign").asText());
        assertEquals(0, new BigDecimal(records.get(0).get("spend").asText()).compareTo(new BigDecimal("1234.56")));
        assertEquals(45300, records.get(0).get("impressions").asLong());
    }
}
