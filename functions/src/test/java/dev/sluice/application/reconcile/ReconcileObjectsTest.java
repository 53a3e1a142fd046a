package dev.sluice.application.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.application.port.BucketListing;
import dev.sluice.application.port.IngestSender;
import dev.sluice.application.twins.InMemoryReconcileMarkers;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Which files the reconciler sends an S3 event for, and that it sends the same event for the same file. */
class ReconcileObjectsTest {
    private static final String BUCKET = "bucket";
    private static final Instant NOW = Instant.parse("2026-12-02T06:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(10);

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final InMemoryRunRepository runs = new InMemoryRunRepository(clock);
    private final List<BucketListing.StoredObject> objects = new ArrayList<>();
    private final List<String> sent = new ArrayList<>();
    private final BucketListing bucket = new BucketListing() {
        @Override
        public List<StoredObject> list(String name, String prefix, Instant from, Instant to, int limit) {
            return objects.stream().filter(o -> o.key().startsWith(prefix) && !o.lastModified().isBefore(from)
                    && o.lastModified().isBefore(to)).limit(limit).toList();
        }

        @Override
        public Optional<StoredObject> head(String name, String key) {
            return objects.stream().filter(o -> o.key().equals(key)).findFirst();
        }
    };
    private final IngestSender ingest = (name, key, size, eTag, sequencer) -> sent.add(key + " " + eTag + " "
            + sequencer);
    private final UploadLimits limits = withPartner(UploadLimits.defaults());
    private final ReconcileObjects reconciler = new ReconcileObjects(runs, bucket, ingest, BUCKET, WINDOW,
            Duration.ofDays(1), limits, clock);

    @Test
    void anUploadWhoseEventNeverCameIsSentOnceItIsOlderThanTheWindow() {
        runs.put(upload("run-old", NOW.minus(Duration.ofMinutes(30))));
        runs.put(upload("run-fresh", NOW.minus(Duration.ofMinutes(30))));
        runs.put(upload("run-nofile", NOW.minus(Duration.ofMinutes(30))));
        runs.put(upload("run-young", NOW.minus(Duration.ofMinutes(2))));
        objects.add(object("uploads/owner-1/run-old/a.csv", NOW.minus(Duration.ofMinutes(20)), "e1"));
        objects.add(object("uploads/owner-1/run-fresh/a.csv", NOW.minus(Duration.ofMinutes(1)), "e2"));
        objects.add(object("uploads/owner-1/run-young/a.csv", NOW.minus(Duration.ofMinutes(1)), "e3"));

        ReconcileObjects.Sweep sweep = reconciler.sweep();

        assertEquals(List.of("uploads/owner-1/run-old/a.csv"), sweep.uploads());
        assertEquals(1, sent.size());
        reconciler.sweep();
        assertEquals(sent.get(0), sent.get(1), "the same event each sweep, until the run takes it");
    }

    @Test
    void aDropWithoutARunIsSentButOneTakenByARunOfTheSameVersionIsNot() {
        Instant dropped = NOW.minus(Duration.ofMinutes(15));
        objects.add(object("drop/acme/taken.csv", dropped, "e1"));
        objects.add(object("drop/acme/lost.csv", dropped, "e2"));
        objects.add(object("drop/acme/replaced.csv", dropped, "e4"));
        objects.add(object("drop/acme/young.csv", NOW.minus(Duration.ofMinutes(1)), "e5"));
        objects.add(object("drop/acme/ancient.csv", NOW.minus(Duration.ofDays(3)), "e6"));
        runs.put(drop("run-taken", "drop/acme/taken.csv", "e1", dropped.plusSeconds(2)));
        runs.put(drop("run-replaced", "drop/acme/replaced.csv", "e3", dropped.plusSeconds(2)));

        ReconcileObjects.Sweep sweep = reconciler.sweep();

        assertEquals(List.of("drop/acme/lost.csv", "drop/acme/replaced.csv"), sweep.drops());
        assertEquals(List.of(), sweep.uploads());
        assertEquals(2, sent.size());
        assertEquals(true, sent.get(0).startsWith("drop/acme/lost.csv e2 R"), sent.get(0));
    }

    @Test
    void behindABacklogADropIsSentOnceAfterThePatienceAndNotAgainWhileTheBacklogLasts() {
        InMemoryReconcileMarkers markers = new InMemoryReconcileMarkers();
        AtomicLong backlog = new AtomicLong(40);
        objects.add(object("drop/acme/waiting.csv", NOW.minus(Duration.ofMinutes(15)), "e1"));
        Function<Duration, ReconcileObjects> at = later -> new ReconcileObjects(runs, bucket, ingest, BUCKET, WINDOW,
                Duration.ofDays(1), limits, Clock.fixed(NOW.plus(later), ZoneOffset.UTC), markers, backlog::get);

        for (Duration later : List.of(Duration.ZERO, Duration.ofMinutes(10), Duration.ofMinutes(29))) {
            ReconcileObjects.Sweep sweep = at.apply(later).sweep();
            assertEquals(List.of(), sweep.drops(), "its event may be queued: " + later);
            assertEquals(List.of("drop/acme/waiting.csv"), sweep.deferred());
        }
        assertEquals(List.of(), sent, "nothing sent into the backlog");
        assertEquals(List.of("drop/acme/waiting.csv"), at.apply(Duration.ofMinutes(31)).sweep().drops(),
                "three windows after it was first found, still without a run");
        assertEquals(1, sent.size());
        assertEquals(List.of(), at.apply(Duration.ofHours(5)).sweep().drops(), "not again while the backlog lasts");
        backlog.set(0);
        assertEquals(List.of(), at.apply(Duration.ofMinutes(35)).sweep().drops(), "not within a window of the send");
        assertEquals(List.of("drop/acme/waiting.csv"), at.apply(Duration.ofMinutes(45)).sweep().drops(),
                "the queue empty, a window after the send and still no run: sent again");
        assertEquals(2, sent.size());
    }

    @Test
    void withAnEmptyIngestQueueADropWithoutARunIsSentAtOnceAndNotEverySweep() {
        InMemoryReconcileMarkers markers = new InMemoryReconcileMarkers();
        objects.add(object("drop/acme/lost.csv", NOW.minus(Duration.ofMinutes(15)), "e1"));
        ReconcileObjects reconciler = new ReconcileObjects(runs, bucket, ingest, BUCKET, WINDOW, Duration.ofDays(1),
                limits, clock, markers, () -> 0);
        assertEquals(List.of("drop/acme/lost.csv"), reconciler.sweep().drops());
        assertEquals(List.of(), reconciler.sweep().drops(), "the event just sent may be on its way to a splitter");
        assertEquals(1, sent.size());
    }

    private static BucketListing.StoredObject object(String key, Instant modified, String eTag) {
        return new BucketListing.StoredObject(key, 42, eTag, modified);
    }

    private static Run upload(String runId, Instant created) {
        return Run.created(runId, "owner-1", "default", "a.csv", BUCKET, "uploads/owner-1/" + runId + "/a.csv",
                Run.RunSource.UPLOAD, RunStatus.CREATED, 42, Map.of(), created);
    }

    private static Run drop(String runId, String key, String eTag, Instant created) {
        Run run = Run.created(runId, "acme-owner", "acme", "x.csv", BUCKET, key, Run.RunSource.DROP,
                RunStatus.SUCCEEDED, 42, Map.of(), created);
        return new Run(run.runId(), run.owner(), run.datasetId(), run.fileName(), run.bucket(), run.key(),
                run.source(), run.status(), run.contentLength(), run.createdAt(), run.updatedAt(), created, 0, 0, 0,
                0, 0, 0, 0, List.of(), Map.of(), null, null, null, 42, 42, eTag, null);
    }

    private static UploadLimits withPartner(UploadLimits d) {
        return new UploadLimits(d.maxFileBytes(), d.maxDecompressedBytes(), d.maxColumns(), d.maxFieldBytes(),
                d.maxRecordsPerFile(), d.maxUploadsPerHour(), d.multipartThreshold(), d.partBytes(),
                Map.of("acme", new UploadLimits.Partner("acme-owner", "acme")));
    }
}
