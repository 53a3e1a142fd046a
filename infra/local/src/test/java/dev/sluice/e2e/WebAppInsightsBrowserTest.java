package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.local.LocalSluice;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing, analytics and the admin view in the web app, in real headless Chromium against the running local stack
 * ({@code web/test/insights.e2e.js} drives it and prints what it saw): a dataset set to upsert with review in its
 * form, two files imported into it and published from their review through the buttons (the REVIEW counts shown
 * equal the API's), the dataset page's KPI tiles and charts equal the API's analytics and this test's own sums over
 * the files, compare shows the API's counts, the correction rolled back through its button and confirmation leaves
 * exactly the first file's rows, and the admin view filters by status, owner and dataset as the API does while the
 * demo user has no admin view at all. Live, without navigation: a second tab left on the dataset page from the first
 * publish on shows the second run's totals and then the first file's again after the rollback, and its compare form
 * offers both runs (the older first); an admin view left open shows the demo user's new run over the socket. A run
 * pulled by a source says so on its page and links to the source on its dataset's page; an admin view whose
 * WebSocket is refused polls, and shows that run appear and succeed.
 * Screenshots at desktop and phone width in
 * {@code infra/local/target/screenshots/insights-*.png}.
 */
@ExtendWith(BrowserStack.class)
class WebAppInsightsBrowserTest {
    private static final Path REPO = BrowserStack.REPO;
    private static final Path OUT = BrowserStack.OUT;
    private static final String HEADER = "Date,Campaign,Channel,Spend,Clicks,Impressions,Conversions\n";
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
    void aPersonReviewsPublishesReadsAndRollsBackWhileAnAdminWatchesEveryRun() throws Exception {
        // Five days × two channels × one campaign; the correction changes three keys and adds two.
        List<String> firstRows = new ArrayList<>();
        for (int day = 1; day <= 5; day++) {
            firstRows.add("2024-03-0" + day + ",Brand,Search," + (10 * day) + ".50," + (3 * day) + ",100," + day);
            firstRows.add("2024-03-0" + day + ",Sale,Social," + (4 * day) + ".25," + day + ",80,0");
        }
        List<String> secondRows = List.of(
                "2024-03-01,Brand,Search,99.00,30,100,1",
                "2024-03-02,Sale,Social,1.00,1,80,0",
                "2024-03-05,Brand,Search,7.70,3,100,5",
                "2024-03-06,Brand,Search,12.00,4,90,1",
                "2024-03-06,Sale,Social,3.30,2,70,0");
        Path first = dataDir.resolve("march-first.csv");
        Files.writeString(first, HEADER + String.join("\n", firstRows) + "\n");
        Path second = dataDir.resolve("march-correction.csv");
        Files.writeString(second, HEADER + String.join("\n", secondRows) + "\n");

        Map<String, JsonNode> steps = runScript(first, second);

        JsonNode demo = steps.get("demo");
        assertFalse(demo.get("adminLinkVisible").asBoolean(), "no admin view offered to a non-admin");
        assertEquals("Not available", demo.get("adminRoute").asText());
        assertEquals(404, demo.get("adminApi").asInt(), "admin routes answer 404 to a non-admin");

        JsonNode settings = steps.get("settings");
        assertEquals("upsert", settings.at("/api/publish").asText(), settings::toString);
        assertTrue(settings.at("/api/review").asBoolean(), settings::toString);

        for (String name : List.of("first", "second")) {
            JsonNode step = steps.get(name);
            JsonNode counts = step.at("/review/counts");
            for (String key : List.of("inserted", "updated", "unchanged", "conflicting", "removed")) {
                assertEquals(counts.get(key).asLong(), step.at("/shown/" + key).asLong(),
                        () -> name + ": the review counts shown are the API's: " + step);
            }
            assertEquals("published", step.at("/api/publication/state").asText(), step::toString);
            assertEquals(counts.get("inserted").asLong(), step.at("/api/publication/counts/inserted").asLong(),
                    () -> name + ": publishing did what the review said: " + step);
        }
        assertEquals(10, steps.get("first").at("/review/counts/inserted").asInt());
        assertEquals(2, steps.get("second").at("/review/counts/inserted").asInt());
        assertEquals(3, steps.get("second").at("/review/counts/updated").asInt());

        // The merged state, summed here from the files, not through Sluice.
        Map<String, String[]> merged = new TreeMap<>();
        for (String row : firstRows) {
            put(merged, row);
        }
        for (String row : secondRows) {
            put(merged, row);
        }
        JsonNode analytics = steps.get("analytics");
        JsonNode totals = analytics.at("/analytics/totals");
        assertEquals(0, sum(merged, 3).compareTo(new BigDecimal(totals.get("spend").asText())), totals::toString);
        assertEquals(sum(merged, 4).longValue(), totals.get("clicks").asLong());
        JsonNode shown = analytics.get("shown");
        assertEquals(0, new BigDecimal(totals.get("spend").asText()).compareTo(number(shown.at("/tiles/spend"))),
                () -> "the spend tile is the API's total: " + shown);
        for (String key : List.of("clicks", "impressions", "conversions")) {
            assertEquals(0, new BigDecimal(totals.get(key).asText()).compareTo(number(shown.at("/tiles/" + key))),
                    () -> key + " tile: " + shown);
        }
        assertEquals(analytics.at("/analytics/groups").size(), shown.get("dailyDays").asInt(),
                "one tooltip column per day of the API's series");
        assertEquals(shown.get("dailyDays").asInt(), shown.get("dailyTableRows").asInt(), "the table fallback");
        assertEquals("img", shown.get("dailyRole").asText());
        assertTrue(shown.get("dailyLabel").asText().startsWith("Daily spend and clicks from 2024-03-01 to 2024-03-06"),
                shown::toString);
        assertEquals(analytics.at("/channels/groups").size(), shown.get("channelBars").size(), shown::toString);
        for (JsonNode group : analytics.at("/channels/groups")) {
            String label = group.get("key").asText() + ": ";
            assertTrue(strings(shown.get("channelBars")).stream().anyMatch(t -> t.startsWith(label)
                    && number(t.substring(label.length())).compareTo(new BigDecimal(group.get("spend").asText())) == 0),
                    () -> "a bar per channel with its spend: " + shown.get("channelBars") + " vs " + group);
        }
        assertEquals(analytics.at("/rows/items").size(), shown.get("rows").size(), "the first page of current rows");
        JsonNode compare = analytics.get("compare");
        String expectedCounts = String.format("%d added · %d removed · %d changed · %d unchanged",
                compare.at("/counts/added").asInt(), compare.at("/counts/removed").asInt(),
                compare.at("/counts/changed").asInt(), compare.at("/counts/unchanged").asInt());
        assertEquals(expectedCounts, analytics.at("/compareShown/counts").asText());
        assertEquals(2, compare.at("/counts/added").asInt(), compare::toString);
        assertEquals(3, compare.at("/counts/changed").asInt(), compare::toString);

        JsonNode rollback = steps.get("rollback");
        assertTrue(rollback.at("/dialog/title").asText().contains("march-correction.csv"), rollback::toString);
        assertTrue(rollback.at("/dialog/text").asText().contains("later run"), "the conflict rule is named");
        assertEquals("Cancel", rollback.at("/dialog/focused").asText(), "Cancel has the focus, not Roll back");
        assertEquals("ROLLED_BACK", rollback.at("/api/status").asText());
        Map<String, String[]> firstOnly = new TreeMap<>();
        firstRows.forEach(row -> put(firstOnly, row));
        TreeSet<String> expectedRows = new TreeSet<>();
        firstOnly.forEach((key, fields) -> expectedRows.add(key + "|" + money(fields[3])));
        TreeSet<String> actualRows = new TreeSet<>();
        for (JsonNode row : rollback.at("/rows/items")) {
            actualRows.add(row.get("date").asText() + "," + row.get("campaign").asText() + ","
                    + row.get("channel").asText() + "|" + money(row.get("spend").asText()));
        }
        assertEquals(expectedRows, actualRows, "after the rollback the dataset holds exactly the first file");
        JsonNode after = steps.get("afterRollback");
        assertEquals(0, sum(firstOnly, 3).compareTo(number(after.at("/shown/tiles/spend"))),
                () -> "the page shows the first file's spend again: " + after);

        // Live, on the dataset page left open in a second tab from the first publish on, and in an open admin view.
        JsonNode live = steps.get("live");
        String firstRun = steps.get("first").get("runId").asText();
        String secondRun = steps.get("second").get("runId").asText();
        assertEquals(0, sum(firstOnly, 3).compareTo(number(live.at("/before/tiles/spend"))), live::toString);
        assertTrue(live.at("/before/compare/hidden").asBoolean(), () -> "one run: no compare form yet: " + live);
        assertTrue(live.at("/before/compare/message").asText().contains("Two imports"), live::toString);
        assertEquals(0, sum(merged, 3).compareTo(number(live.at("/tiles/spend"))),
                () -> "the open page's spend tile follows the publish: " + live);
        assertEquals(sum(merged, 4).longValue(), number(live.at("/tiles/clicks")).longValue(), live::toString);
        assertEquals(0, new BigDecimal(live.at("/analytics/totals/spend").asText()).compareTo(
                number(live.at("/tiles/spend"))), live::toString);
        JsonNode form = live.get("compare");
        assertEquals(new TreeSet<>(List.of(firstRun, secondRun)), new TreeSet<>(strings(form.get("options"))));
        assertEquals(List.of(firstRun, secondRun), List.of(form.get("a").asText(), form.get("b").asText()),
                () -> "the older run first, the newer second: " + form);
        assertFalse(form.get("message").asText().contains("Two imports"), () -> "the stale line is gone: " + form);
        assertEquals("", form.get("error").asText(), form::toString);
        assertEquals(expectedCounts, live.get("counts").asText(), "Compare on the open page compares the two runs");
        assertTrue(live.get("sameUrl").asBoolean(), "the page was never navigated");
        JsonNode liveRollback = steps.get("liveRollback");
        assertEquals(0, sum(firstOnly, 3).compareTo(number(liveRollback.at("/tiles/spend"))),
                () -> "the open page's spend tile follows the rollback: " + liveRollback);
        assertTrue(liveRollback.get("sameUrl").asBoolean());
        JsonNode adminLive = steps.get("adminLive");
        assertEquals(secondRun, adminLive.get("runId").asText());
        assertEquals(demo.at("/me/sub").asText(), adminLive.get("owner").asText(), adminLive::toString);
        assertTrue(adminLive.get("first").asBoolean(), () -> "the new run is on top: " + adminLive);
        assertEquals(adminLive.get("loadsBefore").asInt(), adminLive.get("loadsAfter").asInt(),
                () -> "it came over the socket, not by loading the list again: " + adminLive);
        assertEquals("#/admin", adminLive.get("hash").asText());

        JsonNode admin = steps.get("admin");
        assertTrue(strings(admin.get("byStatus"), "runId").contains(secondRun), admin::toString);
        admin.get("byStatus").forEach(r -> assertEquals("ROLLED_BACK", r.get("status").asText()));
        assertEquals(strings(admin.at("/apiByStatus/items"), "runId"), strings(admin.get("byStatus"), "runId"),
                "the admin list is the API's, in its order");
        String owner = demo.at("/me/sub").asText();
        assertFalse(admin.get("byOwner").isEmpty());
        admin.get("byOwner").forEach(r -> assertEquals(owner, r.get("owner").asText()));
        String datasetId = settings.get("datasetId").asText();
        assertEquals(strings(admin.at("/apiByDataset/items"), "runId"), strings(admin.get("byDataset"), "runId"));
        admin.get("byDataset").forEach(r -> assertEquals(datasetId, r.get("dataset").asText()));
        assertEquals("ok", admin.get("health").asText());

        JsonNode pulled = steps.get("pulled");
        String sourceId = pulled.at("/source/id").asText();
        assertEquals("pull", pulled.at("/run/source").asText(), pulled::toString);
        assertEquals(sourceId, pulled.at("/run/sourceId").asText(), pulled::toString);
        assertEquals("Pulled by source CSV file (URL): " + pulled.get("sourceUrl").asText() + " · pull "
                + pulled.at("/run/pullId").asText(), pulled.at("/line/text").asText(),
                "the run page says where the run came from");
        assertEquals("#/datasets/" + pulled.at("/run/datasetId").asText() + "/sources/" + sourceId,
                pulled.at("/line/href").asText());
        assertEquals("sources-h", pulled.get("focused").asText(), "the link leads to the dataset's Sources card");

        JsonNode polling = steps.get("adminPolling");
        assertEquals(pulled.at("/run/runId").asText(), polling.get("runId").asText());
        assertTrue(polling.get("refused").asInt() >= 1, polling::toString);
        assertEquals("polling", polling.get("live").asText(), () -> "the socket never came up: " + polling);
        assertTrue(polling.get("banner").asText().contains("paused"), polling::toString);
        assertTrue(polling.get("polls").asInt() >= 1, () -> "the run came by polling: " + polling);
        assertEquals(1, polling.get("loads").asInt(), () -> "merged into the list, not loaded again: " + polling);

        steps.get("phone").get("overflow").properties().forEach(e -> assertEquals(0, e.getValue().asInt(),
                () -> "nothing wider than a phone screen on " + e.getKey()));
        for (String shot : List.of("review-run", "dataset", "dataset-live", "admin", "pulled-run")) {
            for (String width : List.of("desktop", "phone")) {
                Path png = OUT.resolve("screenshots/insights-" + width + "-" + shot + ".png");
                assertTrue(Files.size(png) > 10_000, () -> png + " was written");
            }
        }
        assertTrue(steps.get("summary").get("problems").isEmpty(), () -> "no script errors: " + steps.get("summary"));
    }

    private static void put(Map<String, String[]> state, String row) {
        String[] fields = row.split(",");
        state.put(fields[0] + "," + fields[1] + "," + fields[2], fields);
    }

    private static BigDecimal sum(Map<String, String[]> state, int column) {
        return state.values().stream().map(f -> new BigDecimal(f[column])).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** A decimal in one canonical form, so "4.50" and "4.5" compare equal. */
    private static String money(String value) {
        return new BigDecimal(value).stripTrailingZeros().toPlainString();
    }

    /** A number as the page shows it ("1,234.50"). */
    private static BigDecimal number(JsonNode text) {
        return number(text.asText());
    }

    private static BigDecimal number(String text) {
        return new BigDecimal(text.replace(",", "").trim());
    }

    private Map<String, JsonNode> runScript(Path first, Path second) throws IOException, InterruptedException {
        return stack.runScript("insights.e2e.js", Duration.ofMinutes(8), List.of("demo", "settings", "first",
                "adminLive", "second", "live", "analytics", "rollback", "afterRollback", "liveRollback", "admin",
                "pulled", "adminPolling", "phone", "summary"), OUT.toString(),
                first.toString(), second.toString());
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        node.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static List<String> strings(JsonNode node, String field) {
        List<String> values = new ArrayList<>();
        node.forEach(v -> values.add(v.get(field).asText()));
        return values;
    }
}
