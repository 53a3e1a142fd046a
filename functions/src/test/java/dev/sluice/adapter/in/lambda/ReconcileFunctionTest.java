package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.application.port.BucketListing;
import dev.sluice.application.reconcile.ReconcileObjects;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.upload.UploadLimits;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The schedule's handler fed events/schedule-reconcile.json, with the sweep's ports as twins. */
class ReconcileFunctionTest {
    private static final Instant NOW = Instant.parse("2026-11-30T10:05:00Z");

    @Test
    void theScheduledEventSendsTheLostEventsAndAnswersHowMany() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        InMemoryRunRepository runs = new InMemoryRunRepository(clock);
        String key = "uploads/o/run-1/a.csv";
        runs.put(Run.created("run-1", "o", "default", "a.csv", "bucket", key, Run.RunSource.UPLOAD,
                RunStatus.CREATED, 5, Map.of(), NOW.minus(Duration.ofHours(1))));
        BucketListing.StoredObject object = new BucketListing.StoredObject(key, 5, "etag",
                NOW.minus(Duration.ofMinutes(30)));
        BucketListing bucket = new BucketListing() {
            @Override
            public List<StoredObject> list(String name, String prefix, Instant from, Instant to, int limit) {
                return List.of();
            }

            @Override
            public Optional<StoredObject> head(String name, String objectKey) {
                return objectKey.equals(key) ? Optional.of(object) : Optional.empty();
            }
        };
        List<String> sent = new ArrayList<>();
        ReconcileFunction handler = new ReconcileFunction(new ReconcileObjects(runs, bucket,
                (name, objectKey, size, eTag, sequencer) -> sent.add(objectKey), "bucket", Duration.ofMinutes(10),
                Duration.ofDays(1), UploadLimits.defaults(), clock));

        @SuppressWarnings("unchecked")
        Map<String, Object> event = EventFixtures.read("schedule-reconcile.json", Map.class);
        Map<String, Object> result = handler.handleRequest(event, new TestContext());

        assertEquals(Map.of("uploads", 1, "drops", 0), result);
        assertEquals(List.of(key), sent);
    }
}
