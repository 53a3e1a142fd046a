package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Raw datasets through the whole local pipeline over HTTP: a raw dataset is created with {@code POST /api/datasets},
 * each case file uploaded into it (presigned PUT, S3 notification, splitter, SQS, loaders, PostgreSQL) and its
 * records read back page by page from {@code GET /api/runs/{id}/records}. Every case of the public csv-spectrum
 * suite (npm {@code csv-spectrum} 2.0.0, BSD-2-Clause, installed by {@code npm ci} in web/test) and of Sluice's own
 * RFC 4180 corpus ({@code samplecsv/rfc4180}) must give exactly its expected JSON as the records' {@code data}, keys
 * in file order. Chunks are tiny (ChunkBytes 1024, one record each at most 2) so a file is several chunks.
 */
class RawDatasetEndToEndTest {
    private static final Path REPO = TestDirs.repoRoot();
    private static final Path SPECTRUM = REPO.resolve("web/test/node_modules/csv-spectrum");
    private static Path dataDir;
    private static LocalSluice sluice;
    private static ApiClient api;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-raw-e2e");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir)
                .parameter("ChunkBytes", "1024")
                .parameter("ChunkMaxRecords", "2")
                .build());
        api = new ApiClient(sluice.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        TestDirs.stop(sluice, dataDir);
    }

    @TestFactory
    Stream<DynamicTest> everyCsvSpectrumCaseGivesExactlyItsJson() throws Exception {
        // The suite must run, not skip: .ci/run installs it with the browser tests' packages.
        assertTrue(Files.isDirectory(SPECTRUM.resolve("csvs")), "csv-spectrum is missing: run `npm ci` in web/test");
        return cases(rawDataset("csv-spectrum"), SPECTRUM.resolve("csvs"), SPECTRUM.resolve("json"));
    }

    @TestFactory
    Stream<DynamicTest> everyRfc4180CaseGivesExactlyItsJson() throws Exception {
        Path corpus = REPO.resolve("samplecsv/rfc4180");
        return cases(rawDataset("rfc4180"), corpus, corpus);
    }

    /** A new raw dataset of the signed-in user; its id. */
    private static String rawDataset(String name) throws Exception {
        ApiClient.Response created = api.post("datasets", "{\"name\": \"" + name + "\", \"kind\": \"raw\"}");
        assertEquals(201, created.status(), () -> "POST /api/datasets: " + created.body());
        assertEquals("raw", created.body().get("kind").asText(), () -> created.body().toString());
        return created.body().get("id").asText();
    }

    private Stream<DynamicTest> cases(String datasetId, Path csvs, Path expectations) throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(csvs)) {
            for (Path csv : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
                String name = csv.getFileName().toString().replace(".csv", "");
                tests.add(DynamicTest.dynamicTest(name,
                        () -> check(datasetId, csv, expectations.resolve(name + ".json"))));
            }
        }
        assertTrue(tests.size() >= 12, "found only " + tests.size() + " cases in " + csvs);
        return tests.stream();
    }

    private void check(String datasetId, Path csv, Path expectedFile) throws Exception {
        String name = csv.getFileName().toString();
        JsonNode expected = api.json.readTree(expectedFile.toFile());
        if (name.equals("location_coordinates.csv") && expected.isObject()) {
            expected = csvSpectrumErrata((ObjectNode) expected);
        }
        ArrayNode expectedRecords = (ArrayNode) (expected.isArray() ? expected : expected.get("records"));
        Map<Long, String> expectedErrors = new TreeMap<>();
        expected.path("errors").forEach(e -> expectedErrors.put(e.get("record").asLong(), e.get("code").asText()));

        String runId = upload(datasetId, name, Files.readAllBytes(csv));
        JsonNode run = api.awaitFinal(runId);
        assertEquals(expectedErrors.isEmpty() ? "SUCCEEDED" : "PARTIAL", run.get("status").asText(),
                () -> name + ": " + run);
        ArrayNode data = api.json.createArrayNode();
        for (JsonNode item : api.all("runs/" + runId + "/records")) {
            List<String> fields = new ArrayList<>();
            item.fieldNames().forEachRemaining(fields::add);
            assertEquals(List.of("record", "line", "data"), fields, () -> name + ": a raw item " + item);
            data.add(item.get("data"));
        }
        // Serialized, both keep their keys' order: equal strings mean equal values in the same order.
        assertEquals(api.json.writeValueAsString(expectedRecords), api.json.writeValueAsString(data), name);
        Map<Long, String> errors = new TreeMap<>();
        for (JsonNode error : api.all("runs/" + runId + "/errors")) {
            errors.merge(error.get("record").asLong(), error.get("code").asText(), (a, b) -> a + "," + b);
        }
        assertEquals(expectedErrors, errors, name + ": row errors by record");
        assertEquals(expectedRecords.size(), run.get("stored").asLong(), name + " stored");
        assertEquals(run.get("records").asLong(), run.get("stored").asLong() + run.get("errors").asLong());
        assertEquals(expectedRecords.size(), RunInvariants.count(sluice,
                "SELECT count(*) FROM raw_records WHERE run_id = ?", runId), name + ": rows in raw_records");
        assertEquals(0, RunInvariants.count(sluice, "SELECT count(*) FROM records WHERE run_id = ?", runId),
                name + ": nothing in the marketing table");
    }

    /**
     * csv-spectrum 2.0.0's location_coordinates.json is a lone object where every other case has an array, and its
     * phone number (1234567890) is not the CSV's (2095257564): both are open upstream (max-mapper/csv-spectrum issues
     * 20 and 22). The expectation is that JSON with exactly these two faults corrected.
     */
    private static JsonNode csvSpectrumErrata(ObjectNode record) {
        assertEquals("1234567890", record.get("Contact Phone Number").asText(), "the known fault is still there");
        ObjectNode corrected = record.deepCopy();
        corrected.put("Contact Phone Number", "2095257564");
        return api.json.createArrayNode().add(corrected);
    }

    /** POST /api/uploads into the dataset, then PUT the bytes to the presigned URL; the run id. */
    private static String upload(String datasetId, String fileName, byte[] bytes) throws Exception {
        ObjectNode request = api.json.createObjectNode();
        request.put("fileName", fileName);
        request.put("contentLength", bytes.length);
        request.put("datasetId", datasetId);
        request.put("allowDuplicate", true);
        ApiClient.Response created = api.post("uploads", api.json.writeValueAsString(request));
        assertEquals(201, created.status(), () -> "POST /api/uploads: " + created.body());
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(created.body().get("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
        created.body().get("headers").properties().forEach(h -> put.header(h.getKey(), h.getValue().asText()));
        HttpResponse<String> stored = HttpClient.newHttpClient().send(put.build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, stored.statusCode(), () -> "PUT presigned URL: " + stored.body());
        return created.body().get("runId").asText();
    }
}
