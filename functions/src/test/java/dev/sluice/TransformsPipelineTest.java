package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.in.lambda.api.RecordPresenter;
import dev.sluice.adapter.in.lambda.api.RequestBinder;
import dev.sluice.adapter.out.postgres.PostgresRecordRepository;
import dev.sluice.adapter.wire.TransformsJson;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.load.LoadChunk;
import dev.sluice.application.port.RecordRepository.ErrorCursor;
import dev.sluice.application.port.RecordRepository.StoredError;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.upload.UploadRequest;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.SavedMapping;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.domain.transform.Transforms;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The spec files of {@code samplecsv/transforms}: each CSV with its mapping (requested with the upload, or saved on
 * the dataset) goes through the pipeline's own code in one process, as RawDatasetPipelineTest runs raw files: the
 * request's mapping through the binder's reader and the upload request's checks, the splitter, every chunk message
 * through its JSON codec, the loader into a real PostgreSQL, and the records API's query and presenter. The stored
 * values and the row errors (record, column, code, message) must be exactly the expected ones, every record
 * accounted for, and the run PARTIAL or SUCCEEDED, never FAILED.
 */
@ExtendWith(PipelineHarness.Database.class)
class TransformsPipelineTest {
    private static final Path SPECS = Path.of("..").toAbsolutePath().normalize().resolve("samplecsv/transforms");
    private static final String OWNER = PipelineHarness.OWNER;

    private static PostgresRecordRepository records;

    private final PipelineHarness pipeline = new PipelineHarness(records);
    private final ObjectMapper json = pipeline.json;
    private final Clock clock = pipeline.clock;
    private final InMemoryRunRepository runs = pipeline.runs;

    @BeforeAll
    static void start(PostgresRecordRepository shared) {
        records = shared;
    }

    @TestFactory
    Stream<DynamicTest> everySpecFileGivesExactlyItsValuesAndErrors() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(SPECS)) {
            for (Path csv : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
                String name = csv.getFileName().toString().replace(".csv", "");
                tests.add(DynamicTest.dynamicTest(name, () -> check(csv, SPECS.resolve(name + ".expected.json"))));
            }
        }
        assertTrue(tests.size() >= 3, "found only " + tests.size() + " spec files in " + SPECS);
        return tests.stream();
    }

    private void check(Path csv, Path expectedFile) throws Exception {
        JsonNode expected = json.readTree(expectedFile.toFile());
        DatasetKind kind = DatasetKind.byWireName(expected.get("kind").asText()).orElseThrow();
        String name = csv.getFileName().toString();
        String datasetId = "ds-" + name.replace(".csv", "").replace('_', '-');
        SavedMapping saved = SavedMapping.NONE;
        Map<String, String> requested = Map.of();
        if (expected.has("savedMapping")) {
            TransformsJson.RequestMapping mapping = TransformsJson.readRequest(expected.get("savedMapping"));
            saved = new SavedMapping(List.of(), mapping.columns(), mapping.transforms());
        } else {
            requested = requestedMapping(expected.get("mapping"));
        }
        pipeline.datasets.create(new Dataset(datasetId, name, OWNER, kind, saved, null, null, false, clock.instant(),
                clock.instant()));
        String runId = pipeline.upload(datasetId, name, Files.readString(csv, StandardCharsets.UTF_8), requested);

        List<ChunkMessage> sent = pipeline.sentFor(runId);
        assertTrue(sent.size() > 1, name + " should be cut into several chunks, was " + sent.size());
        LoadChunk loader = pipeline.loader();
        for (ChunkMessage chunk : sent) {
            assertTrue(!chunk.mapping().transforms().isEmpty(), "every chunk carries the transformations");
            assertEquals(LoadChunk.Outcome.LOADED, loader.load(pipeline.received(chunk)).outcome());
        }

        List<JsonNode> items = new ArrayList<>();
        ObjectNode page = new RecordPresenter(json).page(new RunQueries(runs, records).records(
                new Caller(OWNER, false), runId, () -> 0L, () -> 1000));
        page.get("items").forEach(items::add);
        JsonNode wanted = expected.get("records");
        assertEquals(wanted.size(), items.size(), name + ": stored records " + items);
        for (int i = 0; i < wanted.size(); i++) {
            JsonNode want = wanted.get(i);
            JsonNode got = items.get(i);
            for (Map.Entry<String, JsonNode> field : want.properties()) {
                JsonNode value = got.get(field.getKey());
                String where = name + " record " + want.get("record") + " " + field.getKey() + ": " + got;
                if (field.getValue().isNull()) {
                    assertTrue(value == null || value.isNull(), where);
                } else if (field.getValue().isObject()) {
                    assertEquals(field.getValue(), value, where); // objects: same keys and values
                } else {
                    assertEquals(field.getValue().asText(), value.asText(), where);
                }
            }
        }

        List<StoredError> errors = records.errors(runId, ErrorCursor.START, 1000).items();
        JsonNode wantedErrors = expected.get("errors");
        assertEquals(wantedErrors.size(), errors.size(), name + ": row errors " + errors);
        for (int i = 0; i < wantedErrors.size(); i++) {
            JsonNode want = wantedErrors.get(i);
            StoredError got = errors.get(i);
            String where = name + " error " + i + ": " + got;
            assertEquals(want.get("record").asLong(), got.recordNo(), where);
            assertEquals(want.get("column").asText(), got.column(), where);
            assertEquals(want.get("code").asText(), got.code(), where);
            assertTrue(got.message().contains(want.get("contains").asText()), where);
        }

        Run run = runs.get(runId);
        long rejected = errors.stream().mapToLong(StoredError::recordNo).distinct().count();
        assertEquals(items.size() + rejected, run.records(), name + ": every record accounted for");
        assertEquals(items.size(), run.stored());
        assertEquals(rejected, run.errors());
        assertEquals(rejected == 0 ? RunStatus.SUCCEEDED : RunStatus.PARTIAL, run.status(), name);
    }

    /** The mapping as POST /api/uploads reads it: the binder's reader, then the upload request's checks. */
    private static Map<String, String> requestedMapping(JsonNode mapping) {
        TransformsJson.RequestMapping read = RequestBinder.requestMapping(mapping);
        Map<String, String> given = new LinkedHashMap<>(read.columns());
        given.put(Transforms.REQUESTED_KEY, read.transforms().encode());
        return new UploadRequest(OWNER, null, "x.csv", 1, null, given).mapping();
    }
}
