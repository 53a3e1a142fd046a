package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.local.LocalSluice;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transformations in the web app's mapping step, in real headless Chromium against the running local stack
 * ({@code web/test/transforms.e2e.js} drives it): the person types transforms for two fields, the preview shows
 * before → after per row as the server evaluated it ({@code POST /api/mappings/preview}), the value that cannot be
 * transformed marked with its message; the import sends the same transforms and the stored records and row errors
 * are what the preview showed. Screenshot in {@code infra/local/target/screenshots/transforms-preview.png}.
 */
@ExtendWith(BrowserStack.class)
class WebAppTransformsBrowserTest {
    private static final Path REPO = BrowserStack.REPO;
    /** This class's input files; the stack and its data directory are shared by the browser tests. */
    @TempDir
    static Path dataDir;
    private static BrowserStack stack;
    private static LocalSluice sluice;
    private static ApiClient api;

    @BeforeAll
    static void start(BrowserStack shared) {
        stack = shared;
        sluice = shared.sluice();
        api = new ApiClient(sluice.baseUrl());
    }

    @Test
    void thePreviewShowsEachTransformationsEffectAndTheImportStoresExactlyThat() throws Exception {
        Path csv = dataDir.resolve("kosten.csv");
        Files.writeString(csv, "Date,Campaign,Channel,Kosten\n"
                + "2024-03-01,  spring ,search,\"1.234,50\"\n"
                + "2024-03-02,brand,social,abc\n");
        Map<String, JsonNode> steps = stack.runScript("transforms.e2e.js", Duration.ofMinutes(5),
                List.of("preview", "import"), BrowserStack.OUT.toString(), csv.toString());
        JsonNode preview = steps.get("preview");
        assertEquals(api.json.readTree("""
                {"column": "Kosten", "transform": ["trim", "parse_number('de-DE')"]}"""),
                preview.at("/request/mapping/spend"), "the preview asks with the typed pipeline");
        JsonNode rows = preview.at("/table/cells");
        assertEquals(2, rows.size(), preview::toString);
        assertEquals(cell("campaign", "  spring ", "SPRING", false), strip(rows.get(0).get(0)));
        assertEquals(cell("spend", "1.234,50", "1234.50", false), strip(rows.get(0).get(1)));
        assertEquals(cell("campaign", "brand", "BRAND", false), strip(rows.get(1).get(0)));
        assertEquals(cell("spend", "abc", "error", true), strip(rows.get(1).get(1)), "the bad value is marked");
        String message = "expression \"parse_number('de-DE')\": 'abc' is not a number written for de-DE";
        assertTrue(rows.get(1).get(1).get("title").asText().contains(message), preview::toString);
        assertTrue(preview.at("/table/problems/0").asText().startsWith("Row 2, spend: " + message),
                preview::toString);

        JsonNode imported = steps.get("import");
        assertEquals(preview.at("/request/mapping/spend"), imported.at("/request/mapping/spend"),
                "the import sends what was previewed");
        String runId = imported.get("runId").asText();
        JsonNode run = api.run(runId);
        assertEquals("PARTIAL", run.get("status").asText(), run::toString);
        assertEquals(api.json.readTree("""
                {"fields": {"campaign": {"column": "Campaign", "transform": ["trim", "upper"]},
                            "spend": {"column": "Kosten", "transform": ["trim", "parse_number('de-DE')"]}},
                 "calculated": {}}"""), run.get("requestedTransforms"), run::toString);
        JsonNode records = api.get("runs/" + runId + "/records").body().get("items");
        assertEquals(1, records.size(), records::toString);
        assertEquals("SPRING", records.get(0).get("campaign").asText(), "stored as the preview showed");
        assertEquals(0, new BigDecimal("1234.50").compareTo(records.get(0).get("spend").decimalValue()),
                records::toString);
        JsonNode errors = api.get("runs/" + runId + "/errors").body().get("items");
        assertEquals(1, errors.size(), errors::toString);
        assertEquals("TRANSFORM_FAILED", errors.get(0).get("code").asText());
        assertTrue(errors.get(0).get("message").asText().contains(message), errors::toString);
    }

    private static JsonNode cell(String field, String before, String after, boolean error) {
        return api.json.createObjectNode().put("field", field).put("before", before).put("after", after)
                .put("error", error);
    }

    private static JsonNode strip(JsonNode cell) {
        return api.json.createObjectNode().put("field", cell.get("field").asText())
                .put("before", cell.get("before").asText()).put("after", cell.get("after").asText())
                .put("error", cell.get("error").asBoolean());
    }
}
