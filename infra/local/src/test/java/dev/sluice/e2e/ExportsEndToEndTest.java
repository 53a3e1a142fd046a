package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import dev.sluice.local.TestSignIn;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * errors.csv, records.csv and re-runs through the local runtime over real HTTP: a messy file's errors downloaded,
 * fixed by a script and uploaded again into the same dataset; a large run's exports answered with 303 and fetched
 * from S3 by a plain HTTP client; a re-run of the kept file with another mapping.
 */
class ExportsEndToEndTest {
    private static final Path REPO = Path.of("../..").toAbsolutePath().normalize();
    private static final List<String> ERROR_COLUMNS = List.of("error_line", "error_column", "error_code",
            "error_message");
    private static Path dataDir;
    private static LocalSluice sluice;
    private static ApiClient api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-exports");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir).build());
        api = new ApiClient(sluice.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        TestDirs.stop(sluice, dataDir);
    }

    record Download(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    /** GET with the bearer token, not following redirects (the test checks the 303 itself). */
    private Download get(String path, String token) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(sluice.baseUrl().resolve("/api/" + path))
                .header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Download(response.statusCode(), response.headers().map(), response.body());
    }

    /** The CSV of a download: inline (200), or behind the 303's Location, fetched with no credentials at all. */
    private String csv(String path) throws IOException, InterruptedException {
        Download download = get(path, api.token());
        if (download.status() == 303) {
            HttpResponse<String> object = http.send(HttpRequest.newBuilder(URI.create(download.header("Location")))
                    .GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertEquals(200, object.statusCode(), object.body());
            assertTrue(object.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment;"));
            return object.body();
        }
        assertEquals(200, download.status(), download.body());
        assertEquals("text/csv; charset=utf-8", download.header("Content-Type"));
        assertTrue(download.header("Content-Disposition").startsWith("attachment; filename=\""),
                download.header("Content-Disposition"));
        return download.body();
    }

    private static List<CSVRecord> parse(String csv) throws IOException {
        assertTrue(csv.startsWith("\uFEFF"), "UTF-8 with a byte-order mark");
        return CSVFormat.RFC4180.parse(new StringReader(csv.substring(1))).getRecords();
    }

    @Test
    void theErrorsOfAMessyFileFixedByAScriptLoadWithNoErrorsAndARerunPointsAtItsRun() throws Exception {
        byte[] messy = Files.readAllBytes(REPO.resolve("samplecsv/messy.csv"));
        String runId = api.upload("messy.csv", messy, null);
        JsonNode run = api.awaitFinal(runId);
        assertEquals("PARTIAL", run.get("status").asText(), run::toString);

        Download inline = get("runs/" + runId + "/errors.csv", api.token());
        assertEquals(200, inline.status(), inline.body());
        assertEquals("attachment; filename=\"messy-errors.csv\"; filename*=UTF-8''messy-errors.csv",
                inline.header("Content-Disposition"));
        assertEquals("file", inline.header("Sluice-Export-Source"));
        List<CSVRecord> rows = parse(inline.body());
        List<String> header = toList(run.get("file").get("header"));
        List<String> expectedHeader = new ArrayList<>(header);
        expectedHeader.addAll(ERROR_COLUMNS);
        assertEquals(expectedHeader, rows.get(0).toList());

        // One row per rejected record, in record order, with the record's line and codes as the API pages them.
        Map<Long, List<String>> codes = new TreeMap<>();
        Map<Long, Long> lines = new TreeMap<>();
        for (JsonNode error : api.all("runs/" + runId + "/errors")) {
            codes.computeIfAbsent(error.get("record").asLong(), r -> new ArrayList<>()).add(error.get("code").asText());
            lines.putIfAbsent(error.get("record").asLong(), error.get("line").asLong());
        }
        assertEquals(run.get("errors").asLong(), rows.size() - 1);
        List<String> fileLines = List.of(new String(messy, StandardCharsets.UTF_8).split("\r?\n", -1));
        int i = 1;
        for (Map.Entry<Long, List<String>> record : codes.entrySet()) {
            CSVRecord row = rows.get(i++);
            long line = lines.get(record.getKey());
            assertEquals(Long.toString(line), row.get(header.size()), "error_line of record " + record.getKey());
            assertEquals(String.join(" | ", record.getValue()), row.get(header.size() + 2));
            // The row as it was in the file: that line's values, then the error columns, then any extra value.
            List<String> original = CSVFormat.RFC4180.parse(new StringReader(fileLines.get((int) line - 1)))
                    .getRecords().get(0).toList();
            List<String> cells = row.toList();
            List<String> values = new ArrayList<>(cells.subList(0, header.size()));
            values.addAll(cells.subList(header.size() + ERROR_COLUMNS.size(), cells.size()));
            while (values.size() > original.size() && values.get(values.size() - 1).isEmpty()) {
                values.remove(values.size() - 1);
            }
            assertEquals(original, values, "record " + record.getKey() + " as it was in the file");
        }

        // Someone else (not an admin) gets nothing; admins get everyone's.
        String demo = TestSignIn.token(sluice.baseUrl(), TestSignIn.DEMO, TestSignIn.DEMO_PASSWORD);
        assertEquals(404, get("runs/" + runId + "/errors.csv", demo).status());
        assertEquals(404, get("runs/" + runId + "/records.csv", demo).status());

        // The fix: a script replaces each bad value, drops extra values and the error columns, and uploads the result.
        String fixed = fix(rows, header);
        String fixedRunId = api.upload("messy-fixed.csv", fixed.getBytes(StandardCharsets.UTF_8), null);
        JsonNode fixedRun = api.awaitFinal(fixedRunId);
        assertEquals("SUCCEEDED", fixedRun.get("status").asText(), () -> fixedRun + "\n" + fixed);
        assertEquals(rows.size() - 1, fixedRun.get("stored").asLong());
        assertEquals(0, fixedRun.get("errors").asLong());
        assertEquals(run.get("datasetId").asText(), fixedRun.get("datasetId").asText(), "into the same dataset");

        // records.csv of the first run: the stored records, canonical fields first.
        List<CSVRecord> stored = parse(csv("runs/" + runId + "/records.csv"));
        assertEquals(List.of("date", "campaign", "channel", "spend", "clicks", "conversions", "impressions",
                "Ad group"), stored.get(0).toList());
        assertEquals(run.get("stored").asLong(), stored.size() - 1);
        assertEquals(List.of("2024-04-01", "Brand Search", "google", "1234.50", "210", "12", "", "Exact"),
                stored.get(1).toList());

        // A re-run of the kept file with another mapping: a new run that points at the old one.
        ApiClient.Response rerun = api.post("runs/" + runId + "/rerun", "{\"mapping\": {\"date\": \"Date\", "
                + "\"campaign\": \"Ad group\", \"channel\": \"Channel\", \"spend\": \"Spend\"}}");
        assertEquals(201, rerun.status(), () -> String.valueOf(rerun.body()));
        String rerunId = rerun.body().get("runId").asText();
        assertNotEquals(runId, rerunId);
        assertEquals(runId, rerun.body().get("rerunOf").asText());
        JsonNode rerunRun = api.awaitFinal(rerunId);
        assertEquals(runId, rerunRun.get("rerunOf").asText());
        assertEquals("Ad group", rerunRun.get("file").get("mapping").get("campaign").asText());
        assertEquals(run.get("records").asLong(), rerunRun.get("records").asLong());
        assertTrue(rerunRun.get("status").asText().matches("SUCCEEDED|PARTIAL"), rerunRun::toString);
        RunInvariants.assertEveryRowAccountedFor(sluice, rerunRun);

        ApiClient.Response unknownField = api.post("runs/" + runId + "/rerun", "{\"settings\": {\"quote\": \"'\"}}");
        assertEquals(400, unknownField.status());
        assertTrue(unknownField.body().get("error").get("message").asText().contains("settings.quote"));
    }

    @Test
    void formulaCellsFromTheFileAreNeutralisedInBothDownloads() throws Exception {
        String file = "Date,Campaign,Channel,Spend,Note\n"
                + "2024-05-01,=HYPERLINK(\"http://evil\"),search,1.00,@SUM(A1)\n"
                + "2024-05-02,+cmd|' /C calc'!A0,search,-5.00,-2+3\n"
                + "2024-05-03,Plain,search,2.00,\"\tTabbed\"\n";
        String runId = api.upload("formulas.csv", file.getBytes(StandardCharsets.UTF_8), null);
        JsonNode run = api.awaitFinal(runId);
        assertEquals(1, run.get("errors").asLong(), run::toString);

        List<CSVRecord> stored = parse(csv("runs/" + runId + "/records.csv"));
        assertEquals(List.of("2024-05-01", "'=HYPERLINK(\"http://evil\")", "search", "1.00", "", "", "",
                "'@SUM(A1)"), stored.get(1).toList());
        assertEquals(List.of("2024-05-03", "Plain", "search", "2.00", "", "", "", "'\tTabbed"),
                stored.get(2).toList());
        List<CSVRecord> errors = parse(csv("runs/" + runId + "/errors.csv"));
        // -5.00 is a plain number (rejected as negative) and stays as it is; the formula-like text does not.
        assertEquals(List.of("2024-05-02", "'+cmd|' /C calc'!A0", "search", "-5.00", "'-2+3", "3", "Spend",
                "NEGATIVE"), errors.get(1).toList().subList(0, 8));
    }

    @Test
    void largeExportsAreAnsweredWithARedirectToTheSameCsvInS3() throws Exception {
        int records = 200_000;
        StringBuilder file = new StringBuilder("Date,Campaign,Channel,Spend,Clicks,Region\n");
        for (int n = 1; n <= records; n++) {
            // Every fourth record has a spend that is no number.
            file.append("2024-0").append(1 + n % 9).append('-').append(10 + n % 18).append(",Campaign ").append(n)
                    .append(",search,").append(n % 4 == 0 ? "n/a" : n + ".25").append(',').append(n % 100)
                    .append(",EU-").append(n).append('\n');
        }
        String runId = api.upload("big.csv", file.toString().getBytes(StandardCharsets.UTF_8), null);
        JsonNode run = api.awaitRun(runId, r -> ApiClient.FINAL.contains(r.path("status").asText()),
                java.time.Duration.ofMinutes(10));
        assertEquals(records / 4, run.get("errors").asLong(), run::toString);

        Download redirect = get("runs/" + runId + "/records.csv", api.token());
        assertEquals(303, redirect.status(), redirect.body());
        assertTrue(redirect.header("Location").contains("/exports/"), redirect.header("Location"));
        JsonNode body = api.json.readTree(redirect.body());
        assertEquals(redirect.header("Location"), body.get("url").asText());
        assertEquals("big-records.csv", body.get("fileName").asText());

        long started = System.nanoTime();
        String recordsCsv = csv("runs/" + runId + "/records.csv");
        long recordsMillis = (System.nanoTime() - started) / 1_000_000;
        List<CSVRecord> stored = parse(recordsCsv);
        assertEquals(records - records / 4 + 1, stored.size());
        long expected = 1;
        for (CSVRecord row : stored.subList(1, stored.size())) {
            if (expected % 4 == 0) {
                expected++;
            }
            assertEquals("Campaign " + expected, row.get(1));
            assertEquals(expected + ".25", row.get(3));
            assertEquals("EU-" + expected, row.get(7), "an unmapped column");
            expected++;
        }

        started = System.nanoTime();
        String errorsCsv = csv("runs/" + runId + "/errors.csv");
        long errorsMillis = (System.nanoTime() - started) / 1_000_000;
        // The figures the README quotes for how long an export takes.
        System.out.printf("exports of %d records: records.csv %,d bytes in %d ms, errors.csv %,d bytes in %d ms%n",
                records, recordsCsv.length(), recordsMillis, errorsCsv.length(), errorsMillis);
        List<CSVRecord> errors = parse(errorsCsv);
        assertEquals(records / 4 + 1, errors.size());
        for (int k = 1; k < errors.size(); k++) {
            CSVRecord row = errors.get(k);
            assertEquals("Campaign " + (4L * k), row.get(1));
            assertEquals(Long.toString(4L * k + 1), row.get(6), "error_line");
            assertEquals("INVALID_NUMBER", row.get(8));
        }
    }

    private static void line(StringBuilder out, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            boolean quote = value.contains(",") || value.contains("\"") || value.contains("\n");
            out.append(i == 0 ? "" : ",").append(quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value);
        }
        out.append("\r\n");
    }

    private static List<String> toList(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** What a user's script would do: put a valid value wherever a problem was reported, and keep the rest. */
    private static String fix(List<CSVRecord> rows, List<String> header) {
        StringBuilder out = new StringBuilder();
        line(out, header);
        for (CSVRecord row : rows.subList(1, rows.size())) {
            List<String> values = new ArrayList<>();
            for (int c = 0; c < header.size(); c++) {
                String value = row.get(c);
                values.add(value.startsWith("'") ? value.substring(1) : value);
            }
            String[] columns = row.get(header.size() + 1).split(" \\| ", -1);
            String[] codes = row.get(header.size() + 2).split(" \\| ", -1);
            for (int k = 0; k < codes.length; k++) {
                int column = header.indexOf(columns[k]);
                if (column < 0) {
                    continue;
                }
                values.set(column, switch (header.get(column)) {
                    case "Date" -> "2024-04-15";
                    case "Campaign" -> "Fixed campaign";
                    case "Channel" -> "fixed";
                    case "Spend" -> "12.00";
                    default -> "1";
                });
            }
            line(out, values);
        }
        return out.toString();
    }
}
