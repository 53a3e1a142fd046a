package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.out.postgres.ConnectionPool;
import dev.sluice.adapter.out.postgres.Migrations;
import dev.sluice.adapter.out.postgres.PostgresRecordRepository;
import dev.sluice.adapter.wire.ChunkMessageCodec;
import dev.sluice.application.load.LoadChunk;
import dev.sluice.application.port.PipelineMetrics;
import dev.sluice.application.split.S3ObjectEvent;
import dev.sluice.application.split.SplitObject;
import dev.sluice.application.twins.InMemoryChunkSender;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.upload.UploadLimits;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The pipeline's own code in one process, as the spec-file tests (RawDatasetPipelineTest, TransformsPipelineTest)
 * run their files through it: the upload's object and run, the splitter (one record per chunk, so every file is cut
 * into several chunks), every chunk message through its JSON codec, and the loader into a real PostgreSQL. Only the
 * transports (S3, SQS, DynamoDB) are twins. A test makes a new harness per test instance; the PostgreSQL is one for
 * the whole test run ({@link Database}), and run ids are unique in the JVM, so the classes never see each other's
 * records.
 */
final class PipelineHarness {
    static final String BUCKET = "uploads-bucket";
    static final String OWNER = "owner-1";
    private static final AtomicInteger RUNS = new AtomicInteger();

    final ObjectMapper json = new ObjectMapper();
    final Clock clock = Clock.fixed(Instant.parse("2026-12-02T08:00:00Z"), ZoneOffset.UTC);
    final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
    final InMemoryRunRepository runs = new InMemoryRunRepository(clock);
    final InMemoryChunkSender chunks = new InMemoryChunkSender();
    final InMemoryDatasetRepository datasets = new InMemoryDatasetRepository();
    final PostgresRecordRepository records;
    private final SplitObject splitter = new SplitObject(objects, runs, chunks,
            new SplitObject.SplitLimits(64, 1, 1 << 20), null, UploadLimits.defaults(), datasets,
            PipelineMetrics.none(), clock);

    PipelineHarness(PostgresRecordRepository records) {
        this.records = records;
    }

    /**
     * Puts {@code content} where an upload of {@code fileName} puts it, with its run CREATED in {@code datasetId}
     * and {@code requestedMapping} as POST /api/uploads would keep it, and splits it; answers the run's id.
     */
    String upload(String datasetId, String fileName, String content, Map<String, String> requestedMapping) {
        String runId = "run-" + RUNS.incrementAndGet();
        String key = "uploads/" + OWNER + "/" + runId + "/" + fileName;
        long size = content.getBytes(StandardCharsets.UTF_8).length;
        runs.put(Run.created(runId, OWNER, datasetId, fileName, BUCKET, key, Run.RunSource.UPLOAD, RunStatus.CREATED,
                size, requestedMapping, clock.instant()));
        objects.put(BUCKET, key, content, "etag-" + runId);
        SplitObject.Result split = splitter.split(new S3ObjectEvent(BUCKET, key, size, "etag-" + runId, "seq"), true);
        assertEquals(SplitObject.Outcome.SPLIT, split.outcome(), () -> fileName + ": " + runs.get(runId));
        return runId;
    }

    /** The chunk messages the splitter sent for the run, in order. */
    List<ChunkMessage> sentFor(String runId) {
        return chunks.sent().stream().filter(c -> c.runId().equals(runId)).toList();
    }

    /** The message as LoadFunction receives it: through the JSON codec, which must give back an equal message. */
    ChunkMessage received(ChunkMessage sent) throws Exception {
        ChunkMessage received = ChunkMessageCodec.decode(json, ChunkMessageCodec.encode(json, sent));
        assertEquals(sent, received, "the codec round trip keeps the message");
        assertEquals(sent.fingerprint(), received.fingerprint());
        return received;
    }

    LoadChunk loader() {
        return new LoadChunk(objects, runs, records, PipelineMetrics.none());
    }

    /**
     * One embedded PostgreSQL 17 with Sluice's migrations for the test run: the first class that asks for it (a
     * {@link PostgresRecordRepository} parameter of its {@code @BeforeAll} method) starts it, and the root store
     * closes it when the run ends.
     */
    static final class Database implements ParameterResolver, AutoCloseable {
        private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Database.class);
        private final EmbeddedPostgres postgres;
        private final ConnectionPool pool;

        /** The extension as JUnit makes it for {@code @ExtendWith}; the database itself is made by {@link #start}. */
        Database() {
            this.postgres = null;
            this.pool = null;
        }

        private Database(EmbeddedPostgres postgres, ConnectionPool pool) {
            this.postgres = postgres;
            this.pool = pool;
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == PostgresRecordRepository.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            Database database = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Database.class,
                    key -> start(), Database.class);
            return new PostgresRecordRepository(database.pool);
        }

        private static Database start() {
            try {
                EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                Migrations.apply(postgres.getPostgresDatabase());
                return new Database(postgres, new ConnectionPool(postgres.getJdbcUrl("postgres", "postgres"),
                        "postgres", "", 2));
            } catch (Exception e) {
                throw new IllegalStateException("the pipeline tests' PostgreSQL did not start", e);
            }
        }

        @Override
        public void close() throws Exception {
            if (pool != null) {
                pool.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        }
    }
}
