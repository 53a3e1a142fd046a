package dev.sluice.application.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.load.LoadChunk;
import dev.sluice.application.port.InMemoryPipelineMetrics;
import dev.sluice.application.port.PublishListener;
import dev.sluice.application.port.RunPublisher;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.reconcile.RecoverRuns;
import dev.sluice.application.split.S3ObjectEvent;
import dev.sluice.application.split.SplitObject;
import dev.sluice.application.twins.InMemoryChunkSender;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRecordRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.domain.dataset.PublishStrategy;
import dev.sluice.domain.run.PublishCounts;
import dev.sluice.domain.run.ReviewReport;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Cancel against publishing, over the real split, load, recovery and publish use cases with twins of their ports: a
 * run being published cannot be cancelled (its publish transaction may commit under the cancel), a cancelled run is
 * never published whatever message arrives later, and a run waiting in REVIEW can be cancelled or discarded.
 */
class CancelAndPublishTest {
    private static final String BUCKET = "uploads-bucket";
    private static final Caller OWNER = new Caller("owner-1", false, "alice@example.com");

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-03T06:00:00Z"), ZoneOffset.UTC);

    @Test
    void aRunCancelledWhileLoadingIsNeverPublishedWhateverMessageArrivesLater() {
        Pipeline pipeline = new Pipeline(false);
        List<ChunkMessage> planned = pipeline.split("run-1", 5);
        pipeline.loader.load(planned.get(0));
        assertEquals(RunStatus.CANCELLED, pipeline.recover.cancel(OWNER, "run-1").status());
        planned.subList(1, planned.size()).forEach(pipeline.loader::load);

        assertEquals(RunStatus.CANCELLED, pipeline.runs.get("run-1").status(), "its last chunk does not publish it");
        assertEquals(PublishRun.Outcome.IGNORED, pipeline.publishRun.handle("run-1"), "a late publish message");
        assertEquals(List.of(), pipeline.publisher.published, "nothing reached the dataset");
        assertEquals("NOT_IN_REVIEW", assertThrows(InvalidRequestException.class,
                () -> pipeline.publications.publish(OWNER, "run-1")).code());
    }

    @Test
    void aRunBeingPublishedCannotBeCancelledAndTakesItsOutcomeOncePublished() {
        Pipeline pipeline = new Pipeline(false);
        pipeline.split("run-1", 5).forEach(pipeline.loader::load);
        assertEquals(RunStatus.PUBLISHING, pipeline.runs.get("run-1").status());

        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> pipeline.recover.cancel(OWNER, "run-1"));
        assertEquals("RUN_PUBLISHING", refused.code());
        assertEquals(409, refused.httpStatus());
        assertEquals("Run run-1 is being published into dataset ds-1 and can no longer be cancelled; roll it back "
                + "(POST /api/runs/run-1/rollback) once it is published.", refused.getMessage());
        assertEquals(RunStatus.PUBLISHING, pipeline.runs.get("run-1").status());
        assertEquals("RUN_PUBLISHING", assertThrows(InvalidRequestException.class,
                () -> pipeline.recover.cancel(new Caller("admin-1", true), "run-1")).code(), "nor by an admin");

        assertEquals(PublishRun.Outcome.PUBLISHED, pipeline.publishRun.handle("run-1"));
        assertEquals(RunStatus.SUCCEEDED, pipeline.runs.get("run-1").status());
        assertEquals(List.of("run-1"), pipeline.publisher.published);
        assertEquals("RUN_FINAL", assertThrows(InvalidRequestException.class,
                () -> pipeline.recover.cancel(OWNER, "run-1")).code());
    }

    @Test
    void aRunInReviewCanBeCancelledOrDiscardedAndIsNeverPublishedAfterwards() {
        Pipeline pipeline = new Pipeline(true);
        for (String runId : List.of("run-1", "run-2", "run-3")) {
            pipeline.split(runId, 3).forEach(pipeline.loader::load);
            assertEquals(RunStatus.REVIEW, pipeline.runs.get(runId).status());
        }

        Run cancelled = pipeline.recover.cancel(OWNER, "run-1");
        assertEquals(RunStatus.CANCELLED, cancelled.status());
        assertEquals("CANCELLED", cancelled.failureCode());
        Run discarded = pipeline.publications.discard(OWNER, "run-2");
        assertEquals(RunStatus.CANCELLED, discarded.status());
        assertEquals("DISCARDED", discarded.failureCode());
        assertEquals("Discarded in review by alice@example.com: not published", discarded.failureMessage(),
                "the owner by the email their token gave");
        Run byAdmin = pipeline.publications.discard(new Caller("admin-1", true, "root@example.com"), "run-3");
        assertEquals("Discarded in review by an administrator: not published", byAdmin.failureMessage(),
                "as a cancel says it, without the administrator's address");

        for (String runId : List.of("run-1", "run-2", "run-3")) {
            assertEquals(PublishRun.Outcome.IGNORED, pipeline.publishRun.handle(runId));
            assertEquals("NOT_IN_REVIEW", assertThrows(InvalidRequestException.class,
                    () -> pipeline.publications.publish(OWNER, runId)).code());
        }
        assertEquals(List.of(), pipeline.publisher.published);
    }

    /** The real split, load, recovery and publish use cases over twins, with runs of dataset ds-1 that publish. */
    private final class Pipeline {
        final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
        final InMemoryRunRepository runs;
        final InMemoryRecordRepository records = new InMemoryRecordRepository();
        final InMemoryChunkSender chunks = new InMemoryChunkSender();
        final RecordingPublisher publisher = new RecordingPublisher();
        final SplitObject splitter;
        final LoadChunk loader;
        final RecoverRuns recover;
        final PublishRun publishRun;
        final RunPublications publications;

        Pipeline(boolean review) {
            runs = InMemoryRunRepository.publishing(clock,
                    datasetId -> new PublishSettings(PublishStrategy.APPEND, List.of(), review));
            InMemoryPipelineMetrics metrics = new InMemoryPipelineMetrics();
            splitter = new SplitObject(objects, runs, chunks, new SplitObject.SplitLimits(1024 * 1024, 2, 100_000),
                    metrics, clock);
            loader = new LoadChunk(objects, runs, records, metrics);
            RunQueries queries = new RunQueries(runs, records);
            recover = new RecoverRuns(queries, runs, runs, records, chunks, clock);
            InMemoryDatasetRepository datasets = new InMemoryDatasetRepository();
            datasets.create(new Dataset("ds-1", "Spend", OWNER.owner(), DatasetKind.MARKETING, null, null, null, false,
                    clock.instant(), clock.instant()));
            publishRun = new PublishRun(runs, datasets, publisher, PublishListener.NONE);
            publications = new RunPublications(queries, runs, publishRun, publisher, runId -> { });
        }

        /** The chunk messages of a new run of {@code recordCount} records, two per chunk. */
        List<ChunkMessage> split(String runId, int recordCount) {
            StringBuilder csv = new StringBuilder("Date,Campaign,Channel,Spend\n");
            for (int i = 1; i <= recordCount; i++) {
                csv.append("2024-03-0").append(1 + i % 9).append(",Spring,search,1").append(i).append(".50\n");
            }
            String key = "uploads/owner-1/" + runId + "/report.csv";
            runs.put(Run.created(runId, "owner-1", "ds-1", "report.csv", BUCKET, key, Run.RunSource.UPLOAD,
                    RunStatus.CREATED, csv.length(), Map.of(), clock.instant()));
            objects.put(BUCKET, key, csv.toString(), "etag-" + runId);
            int before = chunks.sent().size();
            splitter.split(new S3ObjectEvent(BUCKET, key, csv.length(), "etag-" + runId, "seq-1"), false);
            return List.copyOf(chunks.sent().subList(before, chunks.sent().size()));
        }
    }

    /** A publisher that remembers which runs it published (what a dataset would hold) and publishes each once. */
    private final class RecordingPublisher implements RunPublisher {
        final List<String> published = new ArrayList<>();

        @Override
        public synchronized Result publish(Target target) {
            boolean now = !published.contains(target.runId());
            if (now) {
                published.add(target.runId());
            }
            return new Result(now, publication(target.runId()).orElseThrow());
        }

        @Override
        public ReviewReport review(Target target, int samples) {
            return new ReviewReport(target.runId(), target.strategy().wireName(), List.of(),
                    new PublishCounts(0, 0, 0, 0, 0),
                    new ReviewReport.Samples(List.of(), List.of(), List.of(), List.of(), List.of()));
        }

        @Override
        public Optional<RollbackResult> rollback(String runId) {
            return Optional.empty();
        }

        @Override
        public synchronized Optional<Publication> publication(String runId) {
            return published.contains(runId) ? Optional.of(new Publication(runId, "ds-1", "append",
                    new PublishCounts(3, 0, 0, 0, 0), clock.instant(), null, null)) : Optional.empty();
        }

        @Override
        public void deleteDataset(String datasetId) {
            published.clear();
        }
    }
}
