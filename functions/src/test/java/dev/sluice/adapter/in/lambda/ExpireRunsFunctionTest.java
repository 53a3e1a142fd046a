package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.application.expire.ExpireUploads;
import dev.sluice.application.port.PipelineMetrics;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The schedule's handler fed events/schedule-expire-runs.json, with the sweep's ports as twins. */
class ExpireRunsFunctionTest {
    private static final Instant NOW = Instant.parse("2026-11-30T10:05:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final InMemoryRunRepository runs = new InMemoryRunRepository(clock);
    private final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
    private final ExpireRunsFunction handler = new ExpireRunsFunction(new ExpireUploads(runs, objects,
            Duration.ofMinutes(15), Duration.ofMinutes(15), PipelineMetrics.none(), clock));

    @Test
    void runsPastTheirUploadDeadlineWithoutAFileExpireAndThoseWhoseFileArrivedAreCounted() {
        created("never-uploaded", NOW.minus(Duration.ofHours(1)));
        created("uploaded-late-notification", NOW.minus(Duration.ofHours(1)));
        objects.put("bucket", key("uploaded-late-notification"), "Date\n", "etag");
        created("still-uploading", NOW.minus(Duration.ofMinutes(10)));

        @SuppressWarnings("unchecked")
        Map<String, Object> event = EventFixtures.read("schedule-expire-runs.json", Map.class);
        Map<String, Object> result = handler.handleRequest(event, new TestContext());

        assertEquals(Map.of("expired", 1, "arrivedButNotStarted", 1), result);
        assertEquals(RunStatus.EXPIRED, runs.get("never-uploaded").status());
        assertEquals("UPLOAD_EXPIRED", runs.get("never-uploaded").failureCode());
        assertEquals(RunStatus.CREATED, runs.get("uploaded-late-notification").status());
        assertEquals(RunStatus.CREATED, runs.get("still-uploading").status());
    }

    @Test
    void anExpiredMultipartUploadHasItsStoredPartsFreedAtOnce() {
        runs.put(Run.created("big", "o", "default", "big.csv", "bucket", key("big"), Run.RunSource.UPLOAD,
                RunStatus.CREATED, 200L << 20, Map.of(), NOW.minus(Duration.ofHours(1)))
                .withUpload(new Run.UploadFacts(null, false, "upload-7", 16L << 20, null)));
        created("single-put", NOW.minus(Duration.ofHours(1)));

        @SuppressWarnings("unchecked")
        Map<String, Object> event = EventFixtures.read("schedule-expire-runs.json", Map.class);
        handler.handleRequest(event, new TestContext());

        assertEquals(RunStatus.EXPIRED, runs.get("big").status());
        assertEquals(List.of("upload-7"), objects.aborted(), "only the multipart upload is aborted");
    }

    private void created(String runId, Instant at) {
        runs.put(Run.created(runId, "o", "default", "f.csv", "bucket", key(runId), Run.RunSource.UPLOAD,
                RunStatus.CREATED, 10, Map.of(), at));
    }

    private static String key(String runId) {
        return "uploads/o/" + runId + "/f.csv";
    }
}
