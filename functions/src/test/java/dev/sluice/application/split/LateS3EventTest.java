package dev.sluice.application.split;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.application.port.InMemoryPipelineMetrics;
import dev.sluice.application.twins.InMemoryChunkSender;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * S3 events out of order (issue 15): a drop overwritten before its first event is taken, the late first event, and
 * the same events again. Each version gets its own run; no run reads another version's bytes; repeats change nothing.
 */
class LateS3EventTest {
    private static final String BUCKET = "bucket";
    private static final String KEY = "drop/acme/daily.csv";

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC);
    private final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
    private final InMemoryRunRepository runs = new InMemoryRunRepository(clock);
    private final InMemoryChunkSender chunks = new InMemoryChunkSender();
    private final SplitObject splitter = new SplitObject(objects, runs, chunks,
            new SplitObject.SplitLimits(1024 * 1024, 2, 100_000), new InMemoryPipelineMetrics(), clock);

    @Test
    void aLateEventOfAnOverwrittenDropEndsItsRunFileChangedAndTheNewVersionLoadsOnce() {
        String first = SplitObjectTest.csv(3);
        String second = SplitObjectTest.csv(5);
        objects.put(BUCKET, KEY, first, "etag-1");
        objects.put(BUCKET, KEY, second, "etag-2");
        S3ObjectEvent late = new S3ObjectEvent(BUCKET, KEY, first.length(), "etag-1", "seq-1");
        S3ObjectEvent current = new S3ObjectEvent(BUCKET, KEY, second.length(), "etag-2", "seq-2");

        SplitObject.Result lateResult = splitter.split(late, false);
        SplitObject.Result currentResult = splitter.split(current, false);

        assertEquals(SplitObject.Outcome.FAILED, lateResult.outcome());
        assertEquals("FILE_CHANGED", lateResult.failureCode().orElseThrow());
        assertEquals(RunStatus.FAILED, runs.get(lateResult.runId()).status());
        assertEquals(SplitObject.Outcome.SPLIT, currentResult.outcome());
        assertEquals(5, runs.get(currentResult.runId()).records());
        int sent = chunks.sent().size();

        assertEquals(SplitObject.Outcome.SKIPPED_DUPLICATE, splitter.split(late, false).outcome());
        assertEquals(SplitObject.Outcome.SKIPPED_DUPLICATE, splitter.split(current, false).outcome());
        assertEquals(sent, chunks.sent().size(), "a repeated event sends nothing");
        assertEquals(2, runs.all().size(), "one run per object version");
    }
}
