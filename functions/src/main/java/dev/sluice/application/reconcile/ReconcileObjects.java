package dev.sluice.application.reconcile;

import dev.sluice.application.port.BucketListing;
import dev.sluice.application.port.BucketListing.StoredObject;
import dev.sluice.application.port.IngestBacklog;
import dev.sluice.application.port.IngestSender;
import dev.sluice.application.port.ReconcileMarkers;
import dev.sluice.application.port.RecoveryRepository;
import dev.sluice.application.upload.UploadKey;
import dev.sluice.application.upload.UploadLimits;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.Run.RunSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The sweep for S3 events that never arrived (S3 delivers notifications at least once, "typically in seconds,
 * sometimes a minute or longer", and a lost one would leave a file unimported for good). A file older than the
 * window without a run that took it gets the notification S3 would have sent, put on IngestQueue:
 * <ul>
 *   <li>{@code uploads/}: a run still CREATED or RECEIVED whose object is in the bucket, older than the window;</li>
 *   <li>{@code drop/}: an object older than the window (and younger than the look-back) for which its partner's
 *       owner has no run on that key and ETag.</li>
 * </ul>
 * Sending is idempotent: the splitter starts a run once per object version (an upload run's key, a drop's id
 * derived from the event, which this sweep derives the same way for the same object every time), so an event that
 * was only late, or a second sweep before the first event is taken, loads nothing twice.
 * <p>
 * A file without a run is not always a lost event: during a burst its event may simply wait on IngestQueue behind
 * others, and sending it again (every sweep) would grow the very backlog it waits in. So the sweep remembers per
 * object version ({@link ReconcileMarkers}) what it did:
 * <ul>
 *   <li>while IngestQueue holds messages, a file never sent by the sweep is deferred: its event may be queued. Only
 *       when it is still without a run {@link #PATIENCE_WINDOWS} windows after it was first deferred is its event
 *       sent, once;</li>
 *   <li>a file whose event the sweep sent is not sent again while IngestQueue holds messages (that event may be
 *       among them), nor within a window of the send; after that, with the queue empty and still no run, it is.</li>
 * </ul>
 * So a backlog gets at most one extra event per file, however many sweeps it lasts, and a file whose event never
 * came is still started: at once when IngestQueue is empty, else after the patience.
 */
public final class ReconcileObjects {
    /** Runs and objects examined per sweep; the oldest waiting runs come first, the next sweep goes on. */
    static final int MAX_PER_SWEEP = 1_000;
    /**
     * Runs of one owner read to judge the drops of one sweep: far more than the drops examined, since a burst of
     * drops (each with its run) may sit between the oldest candidate and now; a taken drop whose run were not read
     * would be sent again and make a DUPLICATE run.
     */
    static final int MAX_RUNS_READ = 50_000;
    /** A drop run is created when its event is taken, after the object's Last-Modified; this allows for clock skew. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
    private static final String DROP_PREFIX = "drop/";
    private static final String ANY_VERSION = "*";
    /** How many windows a file without a run waits behind a backlog before its event is sent anyway. */
    public static final int PATIENCE_WINDOWS = 3;

    private final RecoveryRepository runs;
    private final BucketListing bucket;
    private final IngestSender ingest;
    private final String bucketName;
    private final Duration window;
    private final Duration lookBack;
    private final UploadLimits limits;
    private final Clock clock;
    private final ReconcileMarkers markers;
    private final IngestBacklog backlog;

    /**
     * What one sweep did: the uploads and drops whose event it sent, and the keys of files without a run that it
     * left alone because their event may still be on its way (see the class comment).
     */
    public record Sweep(List<String> uploads, List<String> drops, List<String> deferred) {
        public Sweep(List<String> uploads, List<String> drops) {
            this(uploads, drops, List.of());
        }
    }

    /** A file without a run, older than the window. */
    private record Candidate(String bucket, StoredObject object) {
        ReconcileMarkers.ObjectRef ref() {
            return new ReconcileMarkers.ObjectRef(bucket, object.key(), object.eTag());
        }
    }

    /**
     * @param window   how old a file must be, without a run that took it, before its event is sent again
     * @param lookBack drops older than this are not examined (their events were replaced by earlier sweeps)
     */
    public ReconcileObjects(RecoveryRepository runs, BucketListing bucket, IngestSender ingest, String bucketName,
            Duration window, Duration lookBack, UploadLimits limits, Clock clock) {
        this(runs, bucket, ingest, bucketName, window, lookBack, limits, clock, ReconcileMarkers.none(),
                IngestBacklog.EMPTY);
    }

    /**
     * @param markers what the sweep remembers per object between sweeps
     * @param backlog IngestQueue's depth
     */
    public ReconcileObjects(RecoveryRepository runs, BucketListing bucket, IngestSender ingest, String bucketName,
            Duration window, Duration lookBack, UploadLimits limits, Clock clock, ReconcileMarkers markers,
            IngestBacklog backlog) {
        if (window.isNegative() || lookBack.compareTo(window) <= 0) {
            throw new IllegalArgumentException("the look-back (" + lookBack + ") must be longer than the window ("
                    + window + ")");
        }
        this.runs = runs;
        this.bucket = bucket;
        this.ingest = ingest;
        this.bucketName = bucketName;
        this.window = window;
        this.lookBack = lookBack;
        this.limits = limits;
        this.clock = clock;
        this.markers = markers;
        this.backlog = backlog;
    }

    public Sweep sweep() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(window);
        List<Candidate> uploads = uploads(cutoff);
        List<Candidate> drops = drops(cutoff);
        if (uploads.isEmpty() && drops.isEmpty()) {
            return new Sweep(List.of(), List.of(), List.of());
        }
        List<Candidate> all = new ArrayList<>(uploads);
        all.addAll(drops);
        Map<ReconcileMarkers.ObjectRef, ReconcileMarkers.Marker> known = markers.find(
                all.stream().map(Candidate::ref).toList());
        boolean queued = backlog.waiting() > 0;
        List<String> deferred = new ArrayList<>();
        return new Sweep(sendOrDefer(uploads, known, queued, now, deferred),
                sendOrDefer(drops, known, queued, now, deferred), deferred);
    }

    private List<String> sendOrDefer(List<Candidate> candidates,
            Map<ReconcileMarkers.ObjectRef, ReconcileMarkers.Marker> known, boolean queued, Instant now,
            List<String> deferred) {
        List<String> sent = new ArrayList<>();
        for (Candidate candidate : candidates) {
            ReconcileMarkers.ObjectRef ref = candidate.ref();
            ReconcileMarkers.Marker marker = known.get(ref);
            if (marker != null && marker.sentAt() != null) {
                // Our own event may still be queued, or be on its way to a splitter.
                if (queued || marker.sentAt().isAfter(now.minus(window))) {
                    deferred.add(ref.key());
                    continue;
                }
            } else if (queued) {
                Instant firstSeen = marker == null ? null : marker.firstSeen();
                if (firstSeen == null) {
                    markers.deferred(ref, now);
                }
                if (firstSeen == null || firstSeen.isAfter(now.minus(window.multipliedBy(PATIENCE_WINDOWS)))) {
                    deferred.add(ref.key());
                    continue;
                }
            }
            send(candidate.bucket(), candidate.object());
            markers.sent(ref, now);
            sent.add(ref.key());
        }
        return sent;
    }

    private List<Candidate> uploads(Instant cutoff) {
        List<Candidate> found = new ArrayList<>();
        for (Run run : runs.waitingForFile(cutoff, MAX_PER_SWEEP)) {
            if (run.source() == RunSource.DROP) {
                continue; // uploads and pulls have a run waiting for their key; drops are found by listing
            }
            Optional<StoredObject> object = bucket.head(run.bucket(), run.key());
            if (object.isPresent() && object.get().lastModified().isBefore(cutoff)) {
                found.add(new Candidate(run.bucket(), object.get()));
            }
        }
        return found;
    }

    private List<Candidate> drops(Instant cutoff) {
        Instant since = clock.instant().minus(lookBack);
        Map<String, List<StoredObject>> byOwner = new LinkedHashMap<>();
        for (StoredObject object : bucket.list(bucketName, DROP_PREFIX, since, cutoff, MAX_PER_SWEEP)) {
            if (UploadKey.parse(object.key()).orElse(null) instanceof UploadKey.Drop drop) {
                byOwner.computeIfAbsent(ownerOf(drop), o -> new ArrayList<>()).add(object);
            }
        }
        List<Candidate> found = new ArrayList<>();
        byOwner.forEach((owner, objects) -> {
            Instant oldest = objects.stream().map(StoredObject::lastModified).min(Comparator.naturalOrder())
                    .orElseThrow();
            Map<String, Set<String>> taken = new LinkedHashMap<>();
            for (Run run : runs.createdSince(owner, oldest.minus(CLOCK_SKEW), MAX_RUNS_READ)) {
                // A run quarantined before its split (unknown partner) never recorded the object's ETag: any.
                taken.computeIfAbsent(run.key(), k -> new HashSet<>())
                        .add(run.objectETag() == null ? ANY_VERSION : run.objectETag());
            }
            for (StoredObject object : objects) {
                Set<String> versions = taken.getOrDefault(object.key(), Set.of());
                if (!versions.contains(object.eTag()) && !versions.contains(ANY_VERSION)) {
                    found.add(new Candidate(bucketName, object));
                }
            }
        });
        return found;
    }

    /** The owner the splitter gives a drop's run: the configured partner's, or the quarantine owner. */
    private String ownerOf(UploadKey.Drop drop) {
        UploadLimits.Partner partner = limits.partners().get(drop.partner());
        return partner == null ? "partner:" + drop.partner() : partner.owner();
    }

    /**
     * The sequencer is derived from the object's Last-Modified, so every sweep sends the same event for the same
     * object (a drop's run id is derived from it) and the splitter takes it once.
     */
    private void send(String bucketName, StoredObject object) {
        String sequencer = String.format(Locale.ROOT, "R%016X", object.lastModified().toEpochMilli());
        ingest.send(bucketName, object.key(), object.size(), object.eTag(), sequencer);
    }
}
