package dev.sluice.application.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.identity.Caller;
import dev.sluice.application.load.LoadChunk;
import dev.sluice.application.port.InMemoryPipelineMetrics;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.split.S3ObjectEvent;
import dev.sluice.application.split.SplitObject;
import dev.sluice.application.twins.InMemoryChunkSender;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRecordRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.domain.dataset.PublishStrategy;
import dev.sluice.domain.run.PublishCounts;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A published PARTIAL run that is redriven goes through publishing again (the runs twin follows DynamoRunRepository's
 * LOADING → PUBLISHING / REVIEW path): to PUBLISHING with its first publication kept until the next one finishes, or,
 * for a dataset with review, to REVIEW with the earlier counts dropped until the new review counts are recorded.
 */
class RedrivePublishedRunTest {
    private static final String BUCKET = "uploads-bucket";
    private static final String KEY = "uploads/owner-1/run-1/report.csv";
    private static final Caller OWNER = new Caller("owner-1", false);

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC);

    @Test
    void aRedrivenPublishedRunPublishesAgainAndEndsWithTheNewCounts() {
        Pipeline pipeline = new Pipeline(false);
        List<ChunkMessage> planned = pipeline.split(5);
        pipeline.loader.load(planned.get(0));
        pipeline.loader.markDead(planned.get(1));
        pipeline.loader.load(planned.get(2));
        InMemoryRunRepository runs = pipeline.runs;
        assertEquals(RunStatus.PUBLISHING, runs.get("run-1").status(), "a run that stored records is published");
        assertTrue(runs.finishPublishing("run-1", "append", new PublishCounts(3, 0, 0, 0, 0), clock.instant()));
        assertEquals(RunStatus.PARTIAL, runs.get("run-1").status());

        int before = pipeline.chunks.sent().size();
        pipeline.recover.redrive(OWNER, "run-1");
        pipeline.chunks.sent().subList(before, pipeline.chunks.sent().size()).forEach(pipeline.loader::load);
        Run again = runs.get("run-1");
        assertEquals(RunStatus.PUBLISHING, again.status(), "the redriven records are published next");
        assertEquals(RunStatus.SUCCEEDED, again.publication().outcome());
        assertNotNull(again.publication().publishedAt(), "the first publication stays on the run meanwhile");
        assertTrue(runs.finishPublishing("run-1", "append", new PublishCounts(5, 0, 0, 0, 0), clock.instant()));
        assertEquals(RunStatus.SUCCEEDED, runs.get("run-1").status());
        assertEquals(5, runs.get("run-1").publication().counts().inserted());
    }

    @Test
    void aRedrivenRunOfAReviewedDatasetWaitsForReviewWithoutTheEarlierCounts() {
        Pipeline pipeline = new Pipeline(true);
        List<ChunkMessage> planned = pipeline.split(5);
        pipeline.loader.load(planned.get(0));
        pipeline.loader.markDead(planned.get(1));
        pipeline.loader.load(planned.get(2));
        InMemoryRunRepository runs = pipeline.runs;
        assertEquals(RunStatus.REVIEW, runs.get("run-1").status());
        assertTrue(runs.recordReview("run-1", "append", new PublishCounts(3, 0, 0, 0, 0)));
        assertTrue(runs.startPublishing("run-1"));
        assertTrue(runs.finishPublishing("run-1", "append", new PublishCounts(3, 0, 0, 0, 0), clock.instant()));

        int before = pipeline.chunks.sent().size();
        pipeline.recover.redrive(OWNER, "run-1");
        pipeline.chunks.sent().subList(before, pipeline.chunks.sent().size()).forEach(pipeline.loader::load);
        Run review = runs.get("run-1");
        assertEquals(RunStatus.REVIEW, review.status());
        assertNull(review.publication().counts(), "the earlier publication's counts are not what publishing does now");
        assertTrue(runs.recordReview("run-1", "append", new PublishCounts(2, 0, 0, 0, 0)));
        assertEquals(2, runs.get("run-1").publication().counts().inserted());
    }

    /** The real split, load and recovery use cases over twins, with runs that publish. */
    private final class Pipeline {
        final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
        final InMemoryRunRepository runs;
        final InMemoryRecordRepository records = new InMemoryRecordRepository();
        final InMemoryChunkSender chunks = new InMemoryChunkSender();
        final InMemoryPipelineMetrics metrics = new InMemoryPipelineMetrics();
        final SplitObject splitter;
        final LoadChunk loader;
        final RecoverRuns recover;

        Pipeline(boolean review) {
            runs = InMemoryRunRepository.publishing(clock,
                    datasetId -> new PublishSettings(PublishStrategy.APPEND, List.of(), review));
            splitter = new SplitObject(objects, runs, chunks, new SplitObject.SplitLimits(1024 * 1024, 2, 100_000),
                    metrics, clock);
            loader = new LoadChunk(objects, runs, records, metrics);
            recover = new RecoverRuns(new RunQueries(runs, records), runs, runs, records, chunks, clock);
        }

        List<ChunkMessage> split(int recordCount) {
            StringBuilder csv = new StringBuilder("Date,Campaign,Channel,Spend\n");
            for (int i = 1; i <= recordCount; i++) {
                csv.append("2024-03-0").append(1 + i % 9).append(",Spring,search,1").append(i).append(".50\n");
            }
            runs.put(Run.created("run-1", "owner-1", "default", "report.csv", BUCKET, KEY, Run.RunSource.UPLOAD,
                    RunStatus.CREATED, csv.length(), Map.of(), clock.instant()));
            objects.put(BUCKET, KEY, csv.toString(), "etag-1");
            splitter.split(new S3ObjectEvent(BUCKET, KEY, csv.length(), "etag-1", "seq-1"), false);
            return chunks.sent();
        }
    }
}
