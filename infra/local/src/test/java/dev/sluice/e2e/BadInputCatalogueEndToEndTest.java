package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The bad-input catalogue of issue 15, each case uploaded over HTTP and held to its expected outcome in the spec file
 * {@code bad-input-catalogue.json}: a correct load (status and counts, and every stored campaign equal to what the
 * case wrote) or a specific error code, never a 500, a hang or a silent change of a value. Chunks are 1 KiB, so a
 * quoted newline crosses chunk edges; the decompression cap is 1 MiB, so a gzip bomb costs milliseconds.
 */
class BadInputCatalogueEndToEndTest {
    private static final Path SPEC = Path.of("src/test/resources/bad-input-catalogue.json");
    private static final String HEADER = "Date,Campaign,Channel,Spend";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path dataDir;
    private static LocalSluice sluice;
    private static ApiClient api;
    private static JsonNode spec;

    /** One case: the name it is uploaded under, its bytes, and the campaigns a correct load stores, in order. */
    private record Case(String fileName, byte[] bytes, List<String> campaigns) {
    }

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-bad-input");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir)
                .parameter("ChunkBytes", "1024")
                .parameter("MaxDecompressedBytes", Integer.toString(1 << 20))
                .build());
        api = new ApiClient(sluice.baseUrl());
        spec = api.json.readTree(SPEC.toFile());
    }

    @AfterAll
    static void stop() throws Exception {
        TestDirs.stop(sluice, dataDir);
    }

    @Test
    void theSpecFileAndTheCasesNameTheSameCases() throws Exception {
        List<String> specified = new ArrayList<>();
        spec.fieldNames().forEachRemaining(specified::add);
        assertEquals(new TreeSet<>(cases().keySet()), new TreeSet<>(specified));
    }

    @TestFactory
    Stream<DynamicTest> everyCaseGivesItsSpecifiedOutcome() throws Exception {
        return cases().entrySet().stream().map(c -> DynamicTest.dynamicTest(c.getKey(),
                () -> check(c.getKey(), c.getValue())));
    }

    private static void check(String name, Case input) throws Exception {
        JsonNode expected = spec.get(name);
        ObjectNode request = api.json.createObjectNode();
        request.put("fileName", input.fileName());
        request.put("contentLength", input.bytes().length);
        // Several cases share their records; each is its own import, not a duplicate of another case.
        request.put("allowDuplicate", true);
        ApiClient.Response created = api.post("uploads", api.json.writeValueAsString(request));
        assertNotEquals(500, created.status(), () -> name + ": " + created.body());
        ObjectNode actual = api.json.createObjectNode();
        JsonNode run = null;
        if (created.status() != 201) {
            actual.put("http", created.status());
            actual.put("code", created.body().get("error").get("code").asText());
            assertTrue(!created.body().toString().contains("Exception"), "no class names in the answer");
        } else {
            put(created.body(), input.bytes());
            String runId = created.body().get("runId").asText();
            run = api.awaitRun(runId, r -> ApiClient.FINAL.contains(r.path("status").asText()),
                    Duration.ofSeconds(60));
            outcome(run, actual);
            assertEquals(input.fileName(), run.get("fileName").asText(), "the run keeps the name as given");
        }
        if (expected == null) {
            Path found = Path.of("target", "bad-input-actual");
            Files.createDirectories(found);
            Files.writeString(found.resolve(name + ".json"), actual.toString());
        }
        assertTrue(expected != null, () -> name + " has no expected outcome in " + SPEC + "; it gave " + actual);
        JsonNode seen = run;
        // Read back, so numbers compare by value (the spec's ints against the API's longs).
        assertEquals(expected, api.json.readTree(actual.toString()),
                () -> name + ": " + (seen == null ? created.body() : seen));
        if (run != null && input.campaigns() != null && !"FAILED".equals(run.get("status").asText())) {
            List<String> stored = new ArrayList<>();
            api.all("runs/" + run.get("runId").asText() + "/records")
                    .forEach(r -> stored.add(r.get("campaign").asText()));
            assertEquals(input.campaigns(), stored, name + ": every stored value as written");
        }
    }

    /** Status and code; for a run that read the file, its counts and the codes of its row errors. */
    private static void outcome(JsonNode run, ObjectNode actual) throws Exception {
        String runId = run.get("runId").asText();
        actual.put("status", run.get("status").asText());
        if (run.hasNonNull("failure") && run.get("failure").hasNonNull("code")) {
            actual.put("code", run.get("failure").get("code").asText());
        }
        if ("FAILED".equals(run.get("status").asText())) {
            assertEquals(0, RunInvariants.count(sluice, "SELECT count(*) FROM records WHERE run_id = ?", runId),
                    "a failed run stores nothing");
            assertTrue(run.get("failure").get("message").asText().length() > 20, "the failure says what to do");
            return;
        }
        actual.put("records", run.get("records").asLong());
        actual.put("stored", run.get("stored").asLong());
        actual.put("errors", run.get("errors").asLong());
        TreeSet<String> codes = new TreeSet<>();
        api.all("runs/" + runId + "/errors").forEach(e -> codes.add(e.get("code").asText()));
        codes.forEach(actual.putArray("errorCodes")::add);
        RunInvariants.assertEveryRowAccountedFor(sluice, run);
    }

    private static void put(JsonNode created, byte[] bytes) throws Exception {
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(created.get("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        created.get("headers").properties().forEach(h -> put.header(h.getKey(), h.getValue().asText()));
        HttpResponse<String> stored = HTTP.send(put.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, stored.statusCode(), () -> "PUT presigned URL: " + stored.body());
    }

    /** The catalogue; each maps to an entry of the spec file. */
    private static Map<String, Case> cases() throws IOException {
        Map<String, Case> cases = new LinkedHashMap<>();
        List<String> ten = campaigns(10);
        cases.put("lf", plain("lf.csv", rows(ten, "\n"), ten));
        cases.put("crlf", plain("crlf.csv", rows(ten, "\r\n"), ten));
        cases.put("cr", plain("cr.csv", rows(ten, "\r"), ten));
        StringBuilder mixed = new StringBuilder(HEADER + "\r\n");
        String[] ends = {"\n", "\r\n", "\r"};
        for (int i = 0; i < ten.size(); i++) {
            mixed.append(row(i, ten.get(i))).append(ends[i % 3]);
        }
        cases.put("mixed-line-ends", plain("mixed.csv", mixed.toString(), ten));
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        cases.put("utf8-bom", new Case("bom.csv", concat(bom, rows(ten, "\n").getBytes(StandardCharsets.UTF_8)),
                ten));
        List<String> multiline = new ArrayList<>();
        StringBuilder quoted = new StringBuilder(HEADER + "\n");
        for (int i = 0; i < 60; i++) {
            String campaign = "Line one of " + i + "\nline two, with a \"\"quote\"\"\r\nline three " + i
                    + "x".repeat(i);
            multiline.add(campaign.replace("\"\"", "\""));
            quoted.append("2024-03-0").append(1 + i % 9).append(",\"").append(campaign).append("\",search,")
                    .append(i).append(".5\n");
        }
        cases.put("quoted-newlines-across-chunk-edges", plain("quoted.csv", quoted.toString(), multiline));
        cases.put("ragged-rows", plain("ragged.csv", HEADER + "\n" + row(0, "A") + "\n2024-03-02,B\n"
                + row(2, "C") + ",extra,more\n" + row(3, "D") + "\n", null));
        cases.put("unterminated-quote-at-eof", plain("open-quote.csv", HEADER + "\n" + row(0, "A") + "\n"
                + "2024-03-02,\"B never closed,search,1.5\n", null));
        cases.put("nul-bytes", plain("nul.csv", HEADER + "\n" + row(0, "A") + "\n" + row(1, "B\u0000B") + "\n"
                + row(2, "C") + "\n", null));
        cases.put("field-of-10-mb", plain("wide-field.csv", HEADER + "\n2024-03-01,\"" + "w".repeat(10 << 20)
                + "\",search,1\n", null));
        StringBuilder wide = new StringBuilder(HEADER);
        for (int c = 4; c < 10_000; c++) {
            wide.append(",col").append(c);
        }
        cases.put("10000-columns", plain("columns.csv", wide + "\n" + row(0, "A") + "\n", null));
        // Valid UTF-8 around one bad sequence: the file reads as UTF-8 and only that record is rejected.
        byte[] invalid = concat(concat((HEADER + "\n" + row(0, "Café") + "\n2024-03-02,B").getBytes(
                StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, (byte) 0x28}), (",search,1\n" + row(2, "été")
                + "\n" + row(3, "Müller") + "\n").getBytes(StandardCharsets.UTF_8));
        cases.put("invalid-utf8", new Case("invalid-utf8.csv", invalid, null));
        cases.put("utf16le-without-bom", new Case("utf16.csv", rows(ten, "\n").getBytes(
                Charset.forName("UTF-16LE")), ten));
        cases.put("sep-line", plain("sep.csv", "sep=;\n" + rows(ten, "\n").replace(',', ';'), ten));
        cases.put("preamble", plain("preamble.csv", "Campaign report\nExported 2024-03-31 by someone\n\n"
                + rows(ten, "\n"), ten));
        List<String> formulas = List.of("=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "=1+1");
        StringBuilder formulaCsv = new StringBuilder(HEADER + "\n");
        for (int i = 0; i < formulas.size(); i++) {
            formulaCsv.append(row(i, "\"" + formulas.get(i).replace("\"", "\"\"") + "\"")).append('\n');
        }
        cases.put("formula-cells", plain("formulas.csv", formulaCsv.toString(), formulas));
        cases.put("png-named-csv", new Case("image.csv", bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0,
                0x0D, 'I', 'H', 'D', 'R'), null));
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("data.csv"));
            out.write(rows(ten, "\n").getBytes(StandardCharsets.UTF_8));
        }
        cases.put("zip-named-csv", new Case("archive.csv", zip.toByteArray(), null));
        cases.put("pdf-named-csv", new Case("document.csv", "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
                .getBytes(StandardCharsets.US_ASCII), null));
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bomb)) {
            byte[] line = (row(0, "A") + "\n").getBytes(StandardCharsets.UTF_8);
            out.write((HEADER + "\n").getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < (4 << 20) / line.length; i++) {
                out.write(line);
            }
        }
        cases.put("gzip-bomb", new Case("bomb.csv.gz", bomb.toByteArray(), null));
        cases.put("empty-file", new Case("empty.csv", new byte[0], null));
        cases.put("header-only", plain("header.csv", HEADER + "\n", List.of()));
        cases.put("name-with-dot-dot-slash", plain("../../etc/passwd.csv", rows(ten, "\n"), ten));
        cases.put("unicode-name", plain("Отчёт 販売 📈 März.csv", rows(ten, "\n"), ten));
        cases.put("name-of-1000-characters", plain("n".repeat(996) + ".csv", rows(ten, "\n"), ten));
        return cases;
    }

    private static Case plain(String fileName, String content, List<String> campaigns) {
        return new Case(fileName, content.getBytes(StandardCharsets.UTF_8), campaigns);
    }

    private static List<String> campaigns(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add("Campaign " + i);
        }
        return names;
    }

    private static String rows(List<String> campaigns, String lineEnd) {
        StringBuilder csv = new StringBuilder(HEADER).append(lineEnd);
        for (int i = 0; i < campaigns.size(); i++) {
            csv.append(row(i, campaigns.get(i))).append(lineEnd);
        }
        return csv.toString();
    }

    private static String row(int i, String campaign) {
        return "2024-03-" + String.format("%02d", 1 + i % 28) + "," + campaign + ",search," + (i + 1) + ".25";
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
