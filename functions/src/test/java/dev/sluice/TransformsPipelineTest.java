package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.in.lambda.api.RecordPresenter;
import dev.sluice.adapter.in.lambda.api.RequestBinder;
import dev.sluice.adapter.out.postgres.ConnectionPool;
import dev.sluice.adapter.out.postgres.Migrations;
import dev.sluice.adapter.out.postgres.PostgresRecordRepository;
import dev.sluice.adapter.wire.ChunkMessageCodec;
import dev.sluice.adapter.wire.TransformsJson;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.load.LoadChunk;
import dev.sluice.application.port.PipelineMetrics;
import dev.sluice.application.port.RecordRepository.ErrorCursor;
import dev.sluice.application.port.RecordRepository.StoredError;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.split.S3ObjectEvent;
import dev.sluice.application.split.SplitObject;
import dev.sluice.application.twins.InMemoryChunkSender;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.upload.UploadLimits;
import dev.sluice.application.upload.UploadRequest;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.SavedMapping;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.domain.transform.Transforms;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The spec files of {@code samplecsv/transforms}: each CSV with its mapping (requested with the upload, or saved on
 * the dataset) goes through the pipeline's own code in one process, as RawDatasetPipelineTest runs raw files: the
 * request's mapping through the binder's reader and the upload request's checks, the splitter, every chunk message
 * through its JSON codec, the loader into a real PostgreSQL, and the records API's query and presenter. The stored
 * values and the row errors (record, column, code, message) must be exactly the expected ones, every record
 * accounted for, and the run PARTIAL or SUCCEEDED, never FAILED.
 */
class TransformsPipelineTest {
    private static final Path SPECS = Path.of("..").toAbsolutePath().normalize().resolve("samplecsv/transforms");
    private static final String BUCKET = "uploads-bucket";
    private static final String OWNER = "owner-1";
    private static final AtomicInteger RUNS = new AtomicInteger();

    private static EmbeddedPostgres postgres;
    private static ConnectionPool pool;
    private static PostgresRecordRepository records;

    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T08:00:00Z"), ZoneOffset.UTC);
    private final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
    private final InMemoryRunRepository runs = new InMemoryRunRepository(clock);
    private final InMemoryChunkSender chunks = new InMemoryChunkSender();
    private final InMemoryDatasetRepository datasets = new InMemoryDatasetRepository();
    // One record per chunk: every spec file is cut into several chunks, each carrying the transformations.
    private final SplitObject splitter = new SplitObject(objects, runs, chunks,
            new SplitObject.SplitLimits(64, 1, 1 << 20), null, UploadLimits.defaults(), datasets,
            PipelineMetrics.none(), clock);

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Migrations.apply(postgres.getPostgresDatabase());
        pool = new ConnectionPool(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", 2);
        records = new PostgresRecordRepository(pool);
    }

    @AfterAll
    static void stop() throws Exception {
        pool.close();
        postgres.close();
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
        datasets.create(new Dataset(datasetId, name, OWNER, kind, saved, null, null, false, clock.instant(),
                clock.instant()));
        String runId = "run-" + RUNS.incrementAndGet();
        String content = Files.readString(csv, StandardCharsets.UTF_8);
        String key = "uploads/" + OWNER + "/" + runId + "/" + name;
        long size = content.getBytes(StandardCharsets.UTF_8).length;
        runs.put(Run.created(runId, OWNER, datasetId, name, BUCKET, key, Run.RunSource.UPLOAD, RunStatus.CREATED,
                size, requested, clock.instant()));
        objects.put(BUCKET, key, content, "etag-" + runId);
        SplitObject.Result split = splitter.split(new S3ObjectEvent(BUCKET, key, size, "etag-" + runId, "seq"), true);
        assertEquals(SplitObject.Outcome.SPLIT, split.outcome(), () -> name + ": " + runs.get(runId));

        List<ChunkMessage> sent = chunks.sent().stream().filter(c -> c.runId().equals(runId)).toList();
        assertTrue(sent.size() > 1, name + " should be cut into several chunks, was " + sent.size());
        LoadChunk loader = new LoadChunk(objects, runs, records, PipelineMetrics.none());
        for (ChunkMessage chunk : sent) {
            assertTrue(!chunk.mapping().transforms().isEmpty(), "every chunk carries the transformations");
            ChunkMessage received = ChunkMessageCodec.decode(json, ChunkMessageCodec.encode(json, chunk));
            assertEquals(chunk, received, "the codec round trip keeps the transformations");
            assertEquals(chunk.fingerprint(), received.fingerprint());
            assertEquals(LoadChunk.Outcome.LOADED, loader.load(received).outcome());
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
