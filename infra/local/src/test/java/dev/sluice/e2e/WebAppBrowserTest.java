package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.domain.csv.FileProfiler;
import dev.sluice.local.LocalSluice;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web app in real headless Chromium against the running local stack ({@code web/test/upload.e2e.js} drives
 * it and prints what it saw): preview and suggested mapping of a sample file with errors, import, the bar at
 * 100 %, counts and row errors equal to the API's, the CSV downloads (formula cells neutralised), a missing
 * required column blocking the import, a run created elsewhere appearing live, a keyboard-only import, and
 * screenshots at desktop and phone width in {@code infra/local/target/screenshots}.
 *
 * <p>Without a WebSocket endpoint the page must say that live updates are paused and poll; with one it must be
 * live. Either way every run reaches 100 % with the API's counts.
 */
@ExtendWith(BrowserStack.class)
class WebAppBrowserTest {
    private static final Path REPO = BrowserStack.REPO;
    private static final Path OUT = BrowserStack.OUT;
    /** This class's input files; the stack's own data directory is the shared stack's. */
    @TempDir
    static Path dataDir;
    private static BrowserStack stack;
    private static LocalSluice sluice;
    private static ApiClient api;

    @BeforeAll
    static void start(BrowserStack shared) {
        // The shared stack's 1 KiB chunks: messy.csv (1.3 KB) is loaded in two chunks, so the bar has a state
        // between 0 and 100. Multipart above 6 MB in S3's smallest parts (5 MiB), so an 11 MB file goes up in 3
        // parts; its 1 MB fields keep it to 11 records (11 chunks).
        stack = shared;
        sluice = shared.sluice();
        api = new ApiClient(sluice.baseUrl());
    }

    @Test
    void aPersonImportsFilesAndReadsTheirOutcomeInTheBrowser() throws Exception {
        Path formula = dataDir.resolve("formula.csv");
        // A stored campaign and an unmapped column that a spreadsheet would run as formulas, and a rejected date.
        Files.writeString(formula, """
                Date,Campaign,Channel,Spend,Notes
                2024-05-01,"=HYPERLINK(""http://evil.example"",""click"")",google,10.00,@SUM(A1)
                =1+2,Brand,google,5.00,ok
                2024-05-02,-Brand,meta,3.00,+cmd
                """);
        Path big = dataDir.resolve("big-notes.csv");
        StringBuilder bigText = new StringBuilder("Date,Campaign,Channel,Spend,Notes\n");
        for (int i = 1; i <= 11; i++) {
            bigText.append("2024-06-").append(String.format("%02d", i)).append(",Big,google,1.00,")
                    .append(String.valueOf((char) ('a' + i)).repeat(1_000_000)).append('\n');
        }
        Files.writeString(big, bigText);
        Path gzip = dataDir.resolve("google_ads_clean.csv.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gzip))) {
            out.write(Files.readAllBytes(REPO.resolve("samplecsv/google_ads_clean.csv")));
        }
        Map<String, JsonNode> steps = runScript(formula, big, gzip);

        JsonNode signin = steps.get("signin");
        assertEquals("signin-email", signin.at("/beforeSignIn/focused").asText(), "opens on sign-in: " + signin);
        assertTrue(signin.at("/beforeSignIn/homeHidden").asBoolean()
                && signin.at("/beforeSignIn/accountHidden").asBoolean(),
                "nothing of the app before signing in: " + signin);
        assertEquals("That email and password do not match an account. Check both and try again.",
                signin.at("/wrongPassword/error").asText());
        assertEquals("signin-password", signin.at("/wrongPassword/focused").asText(), "focus back on the password");
        assertTrue(signin.at("/wrongPassword/session").isNull(), "no session after a wrong password");
        String limited = signin.at("/rateLimited/error").asText();
        assertTrue(limited.matches("Too many sign-in attempts\\. Try again in \\d+ (s|min)\\."), signin::toString);
        assertTrue(signin.at("/rateLimited/buttonWaits").asBoolean(), "the button waits until then");
        assertTrue(signin.get("attempts").asInt() > 1, "refused only after failures: " + signin);

        JsonNode connection = steps.get("connection");
        assertEquals("demo@example.com", connection.at("/signedIn/email").asText(), "the header says who is signed in");
        assertFalse(connection.at("/signedIn/adminBadge").asBoolean(), "demo is no admin");
        assertTrue(connection.at("/signedIn/inSessionStorage").asBoolean());
        assertEquals(0, connection.at("/signedIn/inLocalStorage").asInt(), "nothing in localStorage");
        if (connection.get("state").asText().equals("live")) {
            assertTrue(connection.get("banner").isNull(), connection::toString);
        } else {
            assertEquals("reconnecting", connection.get("state").asText(), connection::toString);
            assertEquals("polling", connection.get("live").asText());
            assertTrue(connection.get("banner").asText().startsWith("Live updates are paused — reconnecting…"),
                    connection::toString);
        }

        Path messy = REPO.resolve("samplecsv/messy.csv");
        JsonNode expected = api.json.readTree(REPO.resolve("samplecsv/messy.expected.json").toFile());
        checkPreview(steps.get("preview"), messy);

        JsonNode second = steps.get("preview").get("second");
        assertEquals("Import 2 files", second.get("importButton").asText());
        assertTrue(second.get("facts").toString().contains("Encoding windows-1252")
                && second.get("facts").toString().contains("Delimiter Semicolon")
                && second.get("facts").toString().contains("1.234,56 (European)"), second::toString);
        assertEquals("Été à Paris", second.get("secondRow").get(2).asText(), "Windows-1252 decoded in the browser");

        JsonNode imported = steps.get("imported");
        JsonNode euRun = api.run(imported.at("/second/runId").asText());
        assertEquals("SUCCEEDED", euRun.get("status").asText());
        assertEquals(euRun.get("status").asText(), imported.at("/second/status").asText());
        String runId = imported.at("/card/runId").asText();
        JsonNode run = api.run(runId);
        assertEquals(expected.get("status").asText(), run.get("status").asText());
        assertEquals(run.get("status").asText(), imported.at("/card/status").asText(), imported::toString);
        assertEquals(100, imported.at("/card/bar").asInt());
        String counts = imported.at("/card/counts").asText();
        assertTrue(counts.contains(run.get("records").asInt() + " records")
                && counts.contains(run.get("stored").asInt() + " stored")
                && counts.contains(run.get("errors").asInt() + " rejected"), () -> counts + " vs " + run);
        checkBarHistory(imported.get("bars"));
        Map<String, String> sentMapping = new HashMap<>();
        imported.at("/request/mapping").properties().forEach(e -> sentMapping.put(e.getKey(), e.getValue().asText()));
        Map<String, String> shownMapping = new HashMap<>();
        steps.get("preview").get("mapping").properties().forEach(e -> {
            if (!e.getValue().asText().isEmpty()) {
                shownMapping.put(e.getKey(), e.getValue().asText());
            }
        });
        assertEquals(shownMapping, sentMapping, "POST /api/uploads carries the mapping shown in the dropdowns");
        assertEquals(sentMapping, toMap(run.at("/file/mapping")), "the server used it");

        List<JsonNode> apiErrors = api.all("runs/" + runId + "/errors");
        List<JsonNode> apiRecords = api.all("runs/" + runId + "/records");
        JsonNode detail = steps.get("detail");
        assertEquals(String.valueOf(run.get("records").asInt()), detail.at("/counters/Records").asText());
        assertEquals(String.valueOf(run.get("stored").asInt()), detail.at("/counters/Stored").asText());
        assertEquals(String.valueOf(run.get("errors").asInt()), detail.at("/counters/Rejected").asText());
        assertEquals(run.at("/file/encoding").asText(), detail.at("/file/Encoding").asText());
        List<Integer> tableRecords = new ArrayList<>();
        detail.get("errorRows").forEach(row -> tableRecords.add(row.get(0).asInt()));
        assertEquals(apiErrors.stream().map(e -> e.get("record").asInt()).toList(), tableRecords,
                "the error table lists the API's row errors in order");
        List<Integer> expectedRejected = new ArrayList<>();
        expected.get("rejected").forEach(r -> r.get("codes").forEach(
                code -> expectedRejected.add(r.get("record").asInt())));
        assertEquals(expectedRejected, tableRecords, "and they are the sample's rejected records");
        assertEquals(apiRecords.size(), detail.get("recordRows").size(), "14 stored records fit on the first page");

        // The downloads are the server's exports (GET /api/runs/{id}/errors.csv and records.csv), saved as served.
        JsonNode downloads = steps.get("downloads");
        checkSavedAsServed(downloads);
        List<CSVRecord> errorsCsv = readCsv(downloads.at("/errors/path").asText());
        List<String> errorsHead = errorsCsv.get(0).toList();
        int errorLine = errorsHead.size() - 4;
        assertEquals(List.of("error_line", "error_column", "error_code", "error_message"),
                errorsHead.subList(errorLine, errorsHead.size()), "the file's columns, then where and why");
        assertEquals(apiErrors.stream().map(e -> e.get("line").asText()).distinct().sorted().toList(),
                errorsCsv.stream().skip(1).map(r -> r.get(errorLine)).distinct().sorted().toList(),
                "a row for every rejected record");
        List<CSVRecord> recordsCsv = readCsv(downloads.at("/records/path").asText());
        assertEquals(apiRecords.size(), recordsCsv.size() - 1, "records CSV has every stored record");
        assertEquals("Ad group", recordsCsv.get(0).get(7), "unmapped columns follow the canonical ones");

        JsonNode blocked = steps.get("blocked");
        assertEquals(0, blocked.get("uploadsSent").asInt(), "nothing is sent while a required field has no column");
        assertTrue(blocked.get("message").asText().contains("Choose a column for channel"), blocked::toString);
        assertTrue(blocked.get("formError").asText().contains("missing_channel.csv"), blocked::toString);
        assertEquals("true", blocked.get("channelInvalid").asText());
        assertEquals("channel", blocked.get("focused").asText(), "focus goes to the field to fix");
        blocked.get("runLinks").forEach(
                link -> assertFalse(link.asText().equals("missing_channel.csv"), blocked::toString));

        JsonNode elsewhere = steps.get("elsewhere");
        assertEquals(api.run(elsewhere.get("runId").asText()).get("status").asText(),
                elsewhere.at("/card/status").asText());

        JsonNode keyboard = steps.get("keyboard");
        assertTrue(keyboard.get("dropZoneFocusVisible").asBoolean() && keyboard.get("importFocusVisible").asBoolean(),
                () -> "focus is visible: " + keyboard);
        assertTrue(keyboard.get("focusedAfterImport").asText().contains("run-link"), keyboard::toString);
        assertEquals("Download stored records (CSV)", keyboard.get("focusAfterDownload").asText(),
                "the keyboard focus stays on the button after a download");
        JsonNode formulaRun = api.run(keyboard.at("/card/runId").asText());
        assertEquals("PARTIAL", formulaRun.get("status").asText());
        assertEquals(formulaRun.get("status").asText(), keyboard.at("/card/status").asText());
        assertEquals(2, formulaRun.get("stored").asInt());
        checkSavedAsServed(keyboard);
        List<CSVRecord> formulaErrors = readCsv(keyboard.at("/errors/path").asText());
        int code = formulaErrors.get(0).toList().indexOf("error_code");
        assertEquals("'=1+2", formulaErrors.get(1).get(0), "the rejected value is neutralised");
        assertEquals("INVALID_DATE", formulaErrors.get(1).get(code));
        List<CSVRecord> formulaRecords = readCsv(keyboard.at("/records/path").asText());
        List<String> recordsHead = formulaRecords.get(0).toList();
        int campaign = recordsHead.indexOf("campaign");
        int notes = recordsHead.indexOf("Notes");
        assertEquals("'=HYPERLINK(\"http://evil.example\",\"click\")", formulaRecords.get(1).get(campaign));
        assertEquals("'@SUM(A1)", formulaRecords.get(1).get(notes));
        assertEquals("'-Brand", formulaRecords.get(2).get(campaign));
        assertEquals("'+cmd", formulaRecords.get(2).get(notes));
        assertFalse(formulaRecords.get(1).get(recordsHead.indexOf("spend")).startsWith("'"), "numbers stay numbers");

        // The WebSocket client against a scripted server: subscribe, snapshot, crossing messages, outage, resubscribe.
        JsonNode live = steps.get("live");
        String socketRun = live.get("runId").asText();
        String expectedSubscriptions = "[{\"action\":\"subscribe\",\"scope\":\"mine\"},"
                + "{\"action\":\"subscribe\",\"runId\":\"" + socketRun + "\"}]";
        assertEquals(expectedSubscriptions, live.get("firstSubscriptions").toString());
        assertEquals(expectedSubscriptions, live.get("secondSubscriptions").toString(),
                "after a reconnect it subscribes again");
        assertTrue(live.get("bannerHiddenWhileLive").asBoolean());
        assertTrue(live.get("liveCounts").asText().contains("1,234 records/s")
                && live.get("liveCounts").asText().contains("7.0 s left"),
                live::toString);
        assertTrue(live.get("afterCrossing").asText().contains("57 stored"),
                "an older message does not take counts back: " + live);
        assertTrue(live.get("outageBanner").asText().startsWith("Live updates are paused — reconnecting…"),
                live::toString);
        assertTrue(live.get("finishedCounts").asText().startsWith("100 records · 100 stored"), live::toString);
        assertEquals("live", live.get("connection").asText());

        JsonNode duplicate = steps.get("duplicate");
        String firstRun = duplicate.at("/first/runId").asText();
        assertEquals("SUCCEEDED", api.run(firstRun).get("status").asText(), duplicate::toString);
        assertEquals("#/runs/" + firstRun, duplicate.at("/duplicate/earlier").asText(), "links the earlier run");
        assertEquals("", duplicate.at("/duplicate/runId").asText(), "409 before any run or byte: " + duplicate);
        assertEquals("Already imported", duplicate.at("/duplicate/badge").asText());
        JsonNode requests = duplicate.get("requests");
        assertEquals(2, requests.size(), requests::toString);
        assertTrue(requests.get(0).get("sha256").asText().matches("[0-9a-f]{64}"), "the page sends the SHA-256");
        assertEquals(requests.get(0).get("sha256"), requests.get(1).get("sha256"));
        assertFalse(requests.get(0).has("allowDuplicate"), requests::toString);
        assertTrue(requests.get(1).get("allowDuplicate").asBoolean(), "Import anyway sends allowDuplicate");
        JsonNode anyway = api.run(duplicate.at("/anyway/runId").asText());
        assertEquals("SUCCEEDED", anyway.get("status").asText(), "imported anyway: " + anyway);
        assertFalse(duplicate.at("/anyway/runId").asText().equals(firstRun));

        JsonNode multipart = steps.get("multipart");
        JsonNode bigRun = api.run(multipart.at("/card/runId").asText());
        assertEquals("SUCCEEDED", bigRun.get("status").asText(),
                "the parts make the file again (its SHA-256 is checked): " + bigRun);
        assertEquals(11, bigRun.get("stored").asInt());
        assertEquals(Files.size(big), bigRun.get("contentLength").asLong());
        assertEquals(List.of("1", "2", "3"), strings(multipart.get("partNumbers")), multipart::toString);
        assertTrue(multipart.get("partPuts").asInt() >= 3, multipart::toString);
        assertTrue(multipart.at("/request/sha256").asText().matches("[0-9a-f]{64}"), multipart::toString);
        checkBarHistory(multipart.get("bars"));

        JsonNode gzipped = steps.get("gzip");
        assertTrue(gzipped.at("/preview/problem").isNull(), gzipped::toString);
        assertEquals("Day", gzipped.at("/preview/header/0").asText(), "the preview shows the CSV inside: " + gzipped);
        assertTrue(gzipped.at("/preview/facts").toString().contains("gzip-compressed"), gzipped::toString);
        assertEquals("application/gzip", gzipped.at("/request/contentType").asText());
        JsonNode gzRun = api.run(gzipped.at("/card/runId").asText());
        assertEquals("SUCCEEDED", gzRun.get("status").asText(), gzRun::toString);
        assertEquals(24, gzRun.get("stored").asInt());

        JsonNode expired = steps.get("expired");
        assertEquals("Your session has ended. Sign in again to continue where you were.",
                expired.get("notice").asText());
        assertEquals("demo@example.com", expired.get("email").asText(), "the email is kept for signing in again");
        assertEquals("signin-password", expired.get("focused").asText());
        assertEquals(0, expired.get("runsShown").asInt(), "nothing of the session stays on the page");
        assertTrue(expired.get("session").isNull(), "the refused token is dropped");
        assertEquals("#/runs/" + runId, expired.get("hashAfter").asText(), "back where the person was");
        assertEquals("messy.csv", expired.get("detailTitle").asText());

        JsonNode signout = steps.get("signout");
        assertEquals("You are signed out.", signout.get("notice").asText());
        assertTrue(signout.get("session").isNull() && signout.get("accountHidden").asBoolean(), signout::toString);
        assertEquals(0, signout.get("runsShown").asInt());
        assertFalse(signout.get("detailShown").asBoolean());
        assertTrue(signout.get("apiCalls").asInt() > 10, signout::toString);
        assertTrue(signout.get("unauthenticated").isEmpty(), () -> "every API call carries a bearer token: " + signout);
        assertFalse(signout.get("sockets").isEmpty(), signout::toString);
        signout.get("sockets").forEach(url -> assertTrue(url.asText().matches(".*/ws\\?token=[A-Za-z0-9._%-]+"),
                () -> "the WebSocket URL carries the token: " + url));

        JsonNode phone = steps.get("phone");
        assertEquals(0, phone.get("horizontalOverflow").asInt(), "nothing wider than a phone screen");
        assertEquals(0, phone.get("detailHorizontalOverflow").asInt());
        for (String shot : List.of("desktop-signin", "desktop-signin-error", "desktop-signin-rate-limited",
                "desktop-preview", "desktop-runs",
                "desktop-detail", "desktop-missing-field", "desktop-duplicate", "phone-signin", "phone-preview",
                "phone-runs", "phone-detail")) {
            Path png = OUT.resolve("screenshots/" + shot + ".png");
            assertTrue(Files.size(png) > 10_000, () -> png + " was written");
        }
        assertTrue(steps.get("summary").get("problems").isEmpty(), () -> "no script errors: " + steps.get("summary"));
    }

    @Test
    void theGatewayServesTheAppItsEndpoints() throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(sluice.baseUrl().resolve("/config.json")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        JsonNode config = api.json.readTree(response.body());
        assertEquals("/api", config.get("apiBase").asText());
        assertEquals("ws://127.0.0.1:" + sluice.baseUrl().getPort() + "/ws", config.get("wsUrl").asText());
        assertEquals("local", config.at("/auth/kind").asText(), "the page signs in with POST /api/auth/login");
    }

    private void checkPreview(JsonNode preview, Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        var profile = FileProfiler.profile(bytes, bytes.length, true, null);
        List<String> header = new ArrayList<>();
        preview.get("header").forEach(h -> header.add(h.asText()));
        assertEquals(profile.dialect().header(), header, "the preview's header is the server's");
        assertTrue(preview.get("facts").toString().contains("Encoding UTF-8")
                && preview.get("facts").toString().contains("Delimiter Comma"),
                preview::toString);
        Map<String, String> suggested = new HashMap<>();
        profile.mapping().columns().forEach((field, column) -> suggested.put(field.fieldName(), column));
        Map<String, String> shown = new HashMap<>();
        preview.get("mapping").properties().forEach(e -> {
            if (!e.getValue().asText().isEmpty()) {
                shown.put(e.getKey(), e.getValue().asText());
            }
        });
        assertEquals(suggested, shown, "the dropdowns start at the server's suggestion");
        assertEquals("", preview.at("/mapping/impressions").asText(), "no column for impressions");
        assertEquals(List.of("2", "3", "5", "6"), List.of(preview.at("/lines/0").asText(),
                preview.at("/lines/1").asText(), preview.at("/lines/2").asText(), preview.at("/lines/3").asText()),
                "blank line 4 is no record");
        assertTrue(preview.get("mismatchLines").toString().contains("\"9\""), "line 9 has too few fields: " + preview);
        assertFalse(preview.get("missingShown").asBoolean());
    }

    /** Upload bytes, then processing: each phase only moves forward, the upload reaches 100 and so does the end. */
    private static void checkBarHistory(JsonNode bars) {
        int upload = -1;
        int processing = -1;
        boolean uploadedAll = false;
        for (JsonNode bar : bars) {
            int value = bar.get("value").asInt();
            if (bar.get("phase").asText().equals("uploading")) {
                assertTrue(value >= upload && processing < 0,
                        () -> "upload bar moved back or after processing: " + bars);
                upload = value;
                uploadedAll |= value == 100;
            } else {
                assertTrue(value >= processing, () -> "processing bar moved back: " + bars);
                processing = value;
            }
        }
        assertTrue(uploadedAll, () -> "the upload bar reached 100: " + bars);
        assertEquals(100, processing, () -> "the processing bar reached 100: " + bars);
    }

    private Map<String, JsonNode> runScript(Path formula, Path big, Path gzip)
            throws IOException, InterruptedException {
        return stack.runScript("upload.e2e.js", Duration.ofMinutes(8), List.of("signin", "connection", "preview",
                "imported", "detail", "downloads", "blocked", "elsewhere", "keyboard", "phone", "live", "duplicate",
                "multipart", "gzip", "expired", "signout", "summary"), REPO.resolve("samplecsv").toString(),
                formula.toString(), OUT.toString(), big.toString(), gzip.toString());
    }

    /** Each download of the step is byte for byte what the API served for it. */
    private static void checkSavedAsServed(JsonNode step) throws IOException {
        for (String kind : List.of("errors", "records")) {
            JsonNode saved = step.get(kind);
            assertEquals(200, saved.at("/served/status").asInt(), () -> kind + ".csv: " + saved);
            assertEquals(saved.at("/served/text").asText(),
                    Files.readString(Path.of(saved.get("path").asText()), StandardCharsets.UTF_8), kind + ".csv");
        }
    }

    private static List<CSVRecord> readCsv(String path) throws IOException {
        String text = Files.readString(Path.of(path), StandardCharsets.UTF_8);
        assertTrue(text.startsWith("\uFEFF"), "a BOM tells spreadsheets the file is UTF-8");
        return CSVFormat.RFC4180.parse(new StringReader(text.substring(1))).getRecords();
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        node.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static Map<String, String> toMap(JsonNode node) {
        Map<String, String> map = new HashMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }
}
