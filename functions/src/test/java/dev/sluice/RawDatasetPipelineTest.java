package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.in.lambda.api.Cursors;
import dev.sluice.adapter.in.lambda.api.RecordPresenter;
import dev.sluice.adapter.out.postgres.PostgresRecordRepository;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.load.LoadChunk;
import dev.sluice.application.port.RecordRepository.ErrorCursor;
import dev.sluice.application.port.RecordRepository.StoredError;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Raw datasets through the pipeline's own code in one process: the splitter (profile, plan, one record per chunk),
 * every chunk message through its JSON codec, the loader into a real PostgreSQL (COPY into raw_records with the
 * ledger), and the records API's query and presenter. Each case of the public csv-spectrum suite and of Sluice's
 * own RFC 4180 corpus ({@code samplecsv/rfc4180}) must give exactly its expected JSON objects, keys in file order.
 * Only the transports (S3, SQS, DynamoDB, HTTP) are twins here; RawDatasetEndToEndTest runs the same cases over them.
 */
@ExtendWith(PipelineHarness.Database.class)
class RawDatasetPipelineTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path SPECTRUM = REPO.resolve("web/test/node_modules/csv-spectrum");
    private static final String OWNER = PipelineHarness.OWNER;
    private static final String DATASET = "ds-raw";

    private static PostgresRecordRepository records;

    private final PipelineHarness pipeline = new PipelineHarness(records);
    private final ObjectMapper json = pipeline.json;
    private final InMemoryRunRepository runs = pipeline.runs;

    @BeforeAll
    static void start(PostgresRecordRepository shared) {
        records = shared;
    }

    @TestFactory
    Stream<DynamicTest> everyCsvSpectrumCaseGivesExactlyItsJson() throws Exception {
        boolean installed = Files.isDirectory(SPECTRUM.resolve("csvs"));
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("csv-spectrum is missing: run `npm ci` in web/test");
        }
        Assumptions.assumeTrue(installed, "needs `npm ci` in web/test (csv-spectrum)");
        return cases(SPECTRUM.resolve("csvs"), SPECTRUM.resolve("json"));
    }

    @TestFactory
    Stream<DynamicTest> everyRfc4180CaseGivesExactlyItsJson() throws Exception {
        Path corpus = REPO.resolve("samplecsv/rfc4180");
        return cases(corpus, corpus);
    }

    @Test
    void keysComeBackInFileOrderAlthoughJsonbOrdersThemByLength() throws Exception {
        // jsonb would return {"a", "mm", "zeta"}: shorter keys first.
        Loaded loaded = load("order.csv", "zeta,a,mm\n1,2,3\n");
        assertEquals("[{\"zeta\":\"1\",\"a\":\"2\",\"mm\":\"3\"}]", json.writeValueAsString(loaded.data()));
    }

    @Test
    void charactersJsonMustEscapeComeBackExactly() throws Exception {
        String value = "back\\slash \"quote\" tab\t bell\u0007 sep\u2028 \uD83D\uDE00 \u00e9";
        Loaded loaded = load("escapes.csv", "k\\1,\"v\"\"\"\n1,\"" + value.replace("\"", "\"\"") + "\"\n");
        assertEquals(List.of("k\\1", "v\""), fieldNames(loaded.data().get(0)));
        assertEquals(value, loaded.data().get(0).get("v\"").asText());
    }

    @Test
    void aChunkDeliveredTwiceIsLoadedOnce() throws Exception {
        String runId = upload("twice.csv", "k,v\n1,a\n2,b\n");
        List<ChunkMessage> sent = pipeline.sentFor(runId);
        LoadChunk loader = pipeline.loader();
        for (ChunkMessage chunk : sent) {
            assertTrue(loader.load(chunk).loadedNow());
            assertTrue(!loader.load(chunk).loadedNow(), "the ledger has it");
        }
        assertEquals(RunStatus.SUCCEEDED, runs.get(runId).status());
        assertEquals(2, records.countRecords(runId));
        assertEquals(2, runs.get(runId).stored());
    }

    private Stream<DynamicTest> cases(Path csvs, Path expectations) throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(csvs)) {
            for (Path csv : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
                String name = csv.getFileName().toString().replace(".csv", "");
                tests.add(DynamicTest.dynamicTest(name, () -> check(csv, expectations.resolve(name + ".json"))));
            }
        }
        assertTrue(tests.size() >= 12, "found only " + tests.size() + " cases in " + csvs);
        return tests.stream();
    }

    private void check(Path csv, Path expectedFile) throws Exception {
        String name = csv.getFileName().toString();
        Expected expected = Expected.of(json, name, json.readTree(expectedFile.toFile()));
        Loaded loaded = load(name, Files.readString(csv, StandardCharsets.UTF_8));
        // Serialized, both keep their keys' order: equal strings mean equal values in the same order.
        assertEquals(json.writeValueAsString(expected.records()), json.writeValueAsString(loaded.data()), name);
        assertEquals(expected.errors(), loaded.errors(), name + ": row errors by record");
        Run run = runs.get(loaded.runId());
        assertEquals(expected.records().size(), run.stored(), name + " stored");
        assertEquals(expected.records().size() + expected.errors().size(), run.records(), name + " records");
        assertEquals(expected.errors().isEmpty() ? RunStatus.SUCCEEDED : RunStatus.PARTIAL, run.status(), name);
    }

    /** The records API's {@code data} objects of a run, all pages, and its row error codes by record. */
    record Loaded(String runId, ArrayNode data, Map<Long, String> errors) {
    }

    private Loaded load(String fileName, String content) throws Exception {
        String runId = upload(fileName, content);
        LoadChunk loader = pipeline.loader();
        for (ChunkMessage chunk : pipeline.sentFor(runId)) {
            ChunkMessage received = pipeline.received(chunk);
            assertEquals(DatasetKind.RAW, received.kind());
            assertEquals(LoadChunk.Outcome.LOADED, loader.load(received).outcome());
        }
        RunQueries queries = new RunQueries(runs, records);
        RecordPresenter presenter = new RecordPresenter(json);
        ArrayNode data = json.createArrayNode();
        String cursor = null;
        do {
            String after = cursor;
            ObjectNode page = presenter.page(queries.records(new Caller(OWNER, false), runId,
                    () -> after == null ? 0 : Cursors.recordsAfter(after), () -> 2));
            for (JsonNode item : page.get("items")) {
                assertEquals(List.of("record", "line", "data"), fieldNames(item), "a raw item: " + item);
                data.add(item.get("data"));
            }
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        Map<Long, String> errors = new TreeMap<>();
        for (StoredError error : records.errors(runId, ErrorCursor.START, 1000).items()) {
            errors.merge(error.recordNo(), error.code(), (a, b) -> a + "," + b);
        }
        return new Loaded(runId, data, errors);
    }

    private String upload(String fileName, String content) {
        pipeline.datasets.create(new Dataset(DATASET, "raw files", OWNER, DatasetKind.RAW, null, null, null, false,
                pipeline.clock.instant(), pipeline.clock.instant()));
        return pipeline.upload(DATASET, fileName, content, Map.of());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * A case's expectation: an array of the records (every record stored), or {@code {"records", "errors"}} with
     * the row error code of each rejected record.
     */
    record Expected(ArrayNode records, Map<Long, String> errors) {
        static Expected of(ObjectMapper json, String csvName, JsonNode expected) {
            if (csvName.equals("location_coordinates.csv") && expected.isObject()) {
                expected = csvSpectrumErrata(json, (ObjectNode) expected);
            }
            if (expected.isArray()) {
                return new Expected((ArrayNode) expected, Map.of());
            }
            Map<Long, String> errors = new TreeMap<>();
            expected.get("errors").forEach(e -> errors.put(e.get("record").asLong(), e.get("code").asText()));
            return new Expected((ArrayNode) expected.get("records"), errors);
        }

        /**
         * csv-spectrum 2.0.0's location_coordinates.json is a lone object where every other case has an array, and
         * its phone number (1234567890) is not the one in the CSV (2095257564): both are open upstream
         * (max-mapper/csv-spectrum issues 20 and 22). The expectation is that JSON with exactly these two faults
         * corrected, so every other byte of it is still checked.
         */
        private static JsonNode csvSpectrumErrata(ObjectMapper json, ObjectNode record) {
            assertEquals("1234567890", record.get("Contact Phone Number").asText(), "the known fault is still there");
            ObjectNode corrected = record.deepCopy();
            corrected.put("Contact Phone Number", "2095257564");
            return json.createArrayNode().add(corrected);
        }
    }
}
