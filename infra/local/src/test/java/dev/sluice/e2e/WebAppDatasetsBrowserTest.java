package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.local.LocalSluice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datasets in the web app, in real headless Chromium against the running local stack ({@code
 * web/test/datasets.e2e.js} drives it and prints what it saw): a dataset created in the form, a file imported into
 * it with the suggested spend column changed, the run's reading decisions and mapping source in words, a second file
 * with the same header proposed the saved mapping (and sent without one, so the run says "saved"), a re-run with
 * another column that points at its run, the dataset renamed, a raw dataset whose records show as their
 * {@code data}, and deleting the dataset (after a cancelled confirmation) removing its runs. Screenshots at desktop
 * and phone width in {@code infra/local/target/screenshots/datasets-*.png}.
 */
@ExtendWith(BrowserStack.class)
class WebAppDatasetsBrowserTest {
    private static final Path REPO = BrowserStack.REPO;
    private static final Path OUT = BrowserStack.OUT;
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
    void aPersonKeepsImportsInDatasetsAndReadsHowEachFileWasRead() throws Exception {
        // Two spend-like columns: Sluice proposes Cost, the person takes Budget. A title line and a blank line
        // before the header (a preamble), day-first dates that only some values disambiguate, a totals row.
        String header = "Day,Campaign,Channel,Cost,Budget,Clicks\n";
        Path first = dataDir.resolve("spring-week-1.csv");
        Files.writeString(first, "Campaign report,,,,,\n,,,,,\n" + header
                + "03/04/2024,Brand,google,10.50,20.00,5\n"
                + "25/04/2024,Sale,meta,4.00,8.00,2\n"
                + "26/04/2024,Sale,meta,4.00,not money,2\n");
        Path second = dataDir.resolve("spring-week-2.csv");
        Files.writeString(second, header
                + "01/05/2024,Brand,google,11.00,21.00,6\n"
                + "13/05/2024,Sale,meta,5.00,9.00,3\n");
        // Raw: a repeated and a blank header name, values with spaces and quotes kept exactly, a short record.
        Path raw = dataDir.resolve("raw-logs.csv");
        Files.writeString(raw, "id,amount,amount,,note\n"
                + "1,\" 12.50 \",3,x,\"said \"\"hi\"\"\"\n"
                + "2,7,,y\n");

        Map<String, JsonNode> steps = runScript(first, second, raw);

        JsonNode created = steps.get("created");
        String datasetId = created.get("datasetId").asText();
        // The script asks the API as the page's user at each step: the dataset and its runs are deleted at the end.
        JsonNode dataset = created.get("api");
        assertEquals(created.get("name").asText(), dataset.get("name").asText(), created::toString);
        assertEquals("marketing", dataset.get("kind").asText());
        assertEquals("dmy", dataset.at("/settings/dateOrder").asText(), "the pinned setting was sent");
        assertTrue(created.get("summary").asText().contains("Day/month/year"), created::toString);
        assertEquals("dataset-title", created.get("focused").asText(), "focus moves to the new dataset's heading");
        assertEquals(datasetId, created.at("/picked/value").asText(), "Import files into … chooses it");
        assertEquals("drop-zone", created.at("/picked/focused").asText(), created::toString);

        JsonNode firstStep = steps.get("first");
        assertEquals("server:suggested", firstStep.at("/preview/source").asText(), firstStep::toString);
        assertTrue(firstStep.at("/preview/legend").asText().startsWith("Suggested"), firstStep::toString);
        assertEquals("Cost", firstStep.at("/preview/mapping/spend").asText(), "Sluice proposes Cost");
        assertTrue(firstStep.at("/preview/notes/date").asText().matches("Suggested · \\d+ % sure.*"),
                firstStep::toString);
        assertEquals("Budget", firstStep.at("/changed/mapping/spend").asText());
        assertEquals("Changed by you (Sluice proposed “Cost”)", firstStep.at("/changed/notes/spend").asText());
        assertEquals(datasetId, firstStep.at("/suggest/datasetId").asText(), "the suggestion asks for the dataset");
        assertEquals(List.of("Day", "Campaign", "Channel", "Cost", "Budget", "Clicks"),
                strings(firstStep.at("/suggest/header")), "the previewed header, after the preamble");
        assertEquals(datasetId, firstStep.at("/request/datasetId").asText());
        assertEquals("Budget", firstStep.at("/request/mapping/spend").asText(), "the confirmed mapping is sent");
        JsonNode firstRun = firstStep.get("api");
        assertEquals(datasetId, firstRun.get("datasetId").asText());
        assertEquals("Budget", firstRun.at("/file/mapping/spend").asText());
        assertEquals("given", firstRun.at("/file/mappingSource").asText());
        JsonNode firstPage = firstStep.get("run");
        assertEquals("Where it came from: Chosen by you for this import", firstPage.get("mappingSource").asText());
        assertEquals("Budget", firstPage.at("/mapping/Spend").asText());
        assertEquals(created.get("name").asText(), firstPage.get("dataset").asText(), "the run names its dataset");
        JsonNode decisions = firstRun.at("/file/decisions");
        assertEquals("line " + decisions.get("headerLine").asInt(), firstPage.at("/decisions/header").asText()
                .split(" — ")[0], firstPage::toString);
        assertEquals(3, decisions.get("headerLine").asInt(), "the header is found below the preamble");
        assertTrue(firstPage.at("/decisions/preamble").asText().contains("“Campaign report”"), firstPage::toString);
        assertTrue(firstPage.at("/decisions/encoding").asText().startsWith(firstRun.at("/file/encoding").asText()),
                firstPage::toString);
        assertTrue(firstPage.at("/decisions/delimiter").asText().startsWith("Comma (,)"), firstPage::toString);
        List<String> dayRow = columnRow(firstPage, "Day");
        assertEquals("day/month/year", dayRow.get(1), "the date order shown is the run's: " + firstPage);
        assertEquals(firstRun.get("errors").asInt(), firstPage.get("errorRows").size(), firstPage::toString);
        assertEquals(firstStep.get("apiErrors").size(), firstPage.get("errorRows").size(), firstPage::toString);
        assertEquals(firstRun.get("stored").asInt(), firstPage.get("recordRows").size(), firstPage::toString);

        JsonNode secondStep = steps.get("second");
        assertEquals("server:saved", secondStep.at("/preview/source").asText(), secondStep::toString);
        assertTrue(secondStep.at("/preview/legend").asText().startsWith("Saved mapping from your last import"),
                secondStep::toString);
        assertEquals("Budget", secondStep.at("/preview/mapping/spend").asText(), "the saved column is proposed");
        assertEquals("Saved mapping from your last import", secondStep.at("/preview/notes/spend").asText());
        assertFalse(secondStep.get("request").has("mapping"),
                "a saved mapping left as proposed is not sent: " + secondStep.get("request"));
        JsonNode secondRun = secondStep.get("api");
        assertEquals("saved", secondRun.at("/file/mappingSource").asText(), secondRun::toString);
        assertEquals("Budget", secondRun.at("/file/mapping/spend").asText());
        assertEquals("Where it came from: Saved mapping from your last import into this dataset",
                secondStep.at("/run/mappingSource").asText());
        assertNull(secondStep.at("/run/rerunOf").textValue());

        JsonNode rerun = steps.get("rerun");
        assertEquals("rerun-map-date", rerun.get("focused").asText(), "opening the form focuses its first control");
        assertEquals("Cost", rerun.at("/body/mapping/spend").asText(), rerun::toString);
        JsonNode rerunRun = rerun.get("api");
        assertEquals(secondRun.get("runId").asText(), rerunRun.get("rerunOf").asText());
        assertEquals("Cost", rerunRun.at("/file/mapping/spend").asText());
        assertEquals(rerunRun.get("status").asText(), "SUCCEEDED", rerunRun::toString);
        assertTrue(rerun.at("/run/rerunOf").asText().startsWith("Re-run of spring-week-2.csv"), rerun::toString);
        assertEquals("#/runs/" + secondRun.get("runId").asText(), rerun.at("/run/rerunOfHref").asText());
        assertEquals("Cost", rerun.at("/run/mapping/Spend").asText());

        JsonNode page = steps.get("page");
        assertEquals(List.of(rerunRun.get("runId").asText(), secondRun.get("runId").asText(),
                firstRun.get("runId").asText()), strings(page.get("listed")), "the dataset's runs, newest first");
        assertEquals(page.get("renamed").asText(), page.at("/afterSave/title").asText());
        JsonNode renamed = page.get("api");
        assertEquals(page.get("renamed").asText(), renamed.get("name").asText());
        assertEquals("comma", renamed.at("/settings/decimalStyle").asText());
        assertEquals("dmy", renamed.at("/settings/dateOrder").asText(), "a setting not touched stays");
        assertTrue(page.get("listItem").asText().contains("Last import: spring-week-2.csv"), page::toString);

        JsonNode rawStep = steps.get("raw");
        assertEquals("raw", rawStep.at("/preview/kind").asText());
        assertTrue(rawStep.at("/preview/mappingHidden").asBoolean(), "a raw dataset has no mapping step");
        assertTrue(rawStep.at("/preview/rawNote").asText().startsWith("Raw dataset: all 5 columns"), rawStep::toString);
        assertFalse(rawStep.get("request").has("mapping"), rawStep::toString);
        JsonNode rawRun = rawStep.get("api");
        assertEquals(rawStep.get("datasetId").asText(), rawRun.get("datasetId").asText());
        List<JsonNode> records = new ArrayList<>();
        rawStep.get("records").forEach(records::add);
        List<String> keys = new ArrayList<>();
        records.get(0).get("data").fieldNames().forEachRemaining(keys::add);
        List<String> head = new ArrayList<>(List.of("Record", "Line"));
        head.addAll(keys);
        assertEquals(head, strings(rawStep.at("/run/recordsHead")), "one column per header name, in order");
        assertEquals(records.size(), rawStep.at("/run/recordRows").size());
        for (int i = 0; i < records.size(); i++) {
            List<String> expected = new ArrayList<>(List.of(records.get(i).get("record").asText(),
                    records.get(i).get("line").asText()));
            JsonNode data = records.get(i).get("data");
            keys.forEach(k -> expected.add(data.path(k).asText()));
            assertEquals(expected, strings(rawStep.at("/run/recordRows/" + i)), "record " + i + " as stored");
        }
        assertEquals(" 12.50 ", records.get(0).at("/data/amount").asText(), "raw keeps the exact string");
        assertFalse(rawStep.at("/run/mappingShown").asBoolean(), "a raw run has no mapping card");

        JsonNode phone = steps.get("phone");
        phone.get("overflow").properties().forEach(e -> assertEquals(0, e.getValue().asInt(),
                () -> "nothing wider than a phone screen on " + e.getKey() + ": " + phone));

        JsonNode deleted = steps.get("delete");
        String dialogText = deleted.at("/dialog/text").asText();
        String renamedName = "“" + page.get("renamed").asText() + "”";
        assertTrue(dialogText.contains(renamedName) && dialogText.contains("3 imports"),
                () -> "the confirmation names the dataset and what goes with it: " + dialogText);
        assertTrue(deleted.at("/dialog/modal").asBoolean(), deleted::toString);
        assertEquals("Cancel", deleted.at("/dialog/focused").asText(), "Cancel has the focus, not Delete");
        assertEquals("delete-dataset", deleted.at("/afterCancel/focused").asText(), "Escape returns the focus");
        assertTrue(deleted.at("/afterCancel/stillThere").asBoolean());
        assertEquals("#/datasets", deleted.at("/afterDelete/hash").asText());
        assertFalse(deleted.at("/afterDelete/inList").asBoolean() || deleted.at("/afterDelete/inPicker").asBoolean(),
                deleted::toString);
        assertEquals(404, deleted.at("/gone/dataset").asInt(), "the dataset is gone");
        assertEquals(List.of("404", "404", "404"), strings(deleted.at("/gone/runs")), "its runs went with it");
        assertEquals(200, deleted.at("/gone/rawRun").asInt(), "another dataset's run stays");

        // The downloads are the server's CSV exports, byte for byte (checked last: they need the exports work).
        for (String kind : List.of("errors", "records")) {
            JsonNode saved = firstStep.get(kind + "Csv");
            assertEquals(200, saved.get("status").asInt(), () -> kind + ".csv: " + saved);
            assertEquals(saved.get("served").asText(),
                    Files.readString(Path.of(saved.get("path").asText()), StandardCharsets.UTF_8), kind + ".csv");
        }
        String errorsCsv = firstStep.at("/errorsCsv/served").asText();
        assertTrue(errorsCsv.contains("26/04/2024,Sale,meta,4.00,not money,2,"),
                () -> "the rejected row as it was in the file: " + errorsCsv);
        String errorsHeader = errorsCsv.lines().findFirst().orElse("");
        assertTrue(errorsHeader.endsWith("error_line,error_column,error_code,error_message"),
                () -> "then where and why: " + errorsCsv);

        for (String shot : List.of("desktop-dataset", "desktop-preview-suggested", "desktop-preview-saved",
                "desktop-run", "desktop-rerun", "desktop-list", "desktop-raw-run", "desktop-delete", "phone-list",
                "phone-dataset", "phone-preview", "phone-run", "phone-raw-run")) {
            Path png = OUT.resolve("screenshots/datasets-" + shot + ".png");
            assertTrue(Files.size(png) > 10_000, () -> png + " was written");
        }
        assertTrue(steps.get("summary").get("problems").isEmpty(), () -> "no script errors: " + steps.get("summary"));
    }

    private static List<String> columnRow(JsonNode runPage, String column) {
        for (JsonNode row : runPage.get("columnDecisions")) {
            if (row.get(0).asText().startsWith(column + " ") || row.get(0).asText().equals(column)) {
                return strings(row);
            }
        }
        throw new AssertionError("no decisions row for " + column + ": " + runPage);
    }

    private Map<String, JsonNode> runScript(Path first, Path second, Path raw)
            throws IOException, InterruptedException {
        return stack.runScript("datasets.e2e.js", Duration.ofMinutes(8), List.of("created", "first", "second",
                "rerun", "page", "raw", "phone", "delete", "summary"), OUT.toString(), first.toString(),
                second.toString(), raw.toString());
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        node.forEach(v -> values.add(v.asText()));
        return values;
    }
}
