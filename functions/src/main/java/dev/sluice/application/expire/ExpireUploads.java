package dev.sluice.application.expire;

import dev.sluice.application.port.ObjectStore;
import dev.sluice.application.port.PipelineMetrics;
import dev.sluice.application.port.RunRepository;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweep for uploads that never came: a run still CREATED after its upload URL expired, plus a margin, ends
 * EXPIRED. The margin covers a PUT that started just before the URL expired (S3 checks the signature's expiry when
 * a request starts, so a large upload may finish later) and the time its notification waits on IngestQueue; a run
 * whose object is in the bucket by now is left alone, because its notification is on its way.
 */
public final class ExpireUploads {
    private static final Logger LOG = LoggerFactory.getLogger(ExpireUploads.class);
    /** Runs examined per sweep; the next sweep goes on where this one stopped (the oldest come first). */
    static final int MAX_RUNS_PER_SWEEP = 500;

    private final RunRepository runs;
    private final ObjectStore objects;
    private final Duration urlTtl;
    private final Duration margin;
    private final PipelineMetrics metrics;
    private final Clock clock;

    /** What one sweep did: runs that ended EXPIRED, and runs past the deadline whose file is there after all. */
    public record Sweep(List<String> expired, List<String> arrived) {
    }

    public ExpireUploads(RunRepository runs, ObjectStore objects, Duration urlTtl, Duration margin,
            PipelineMetrics metrics, Clock clock) {
        this.runs = runs;
        this.metrics = metrics;
        this.objects = objects;
        this.urlTtl = urlTtl;
        this.margin = margin;
        this.clock = clock;
    }

    public Sweep sweep() {
        Instant cutoff = clock.instant().minus(urlTtl).minus(margin);
        List<String> expired = new ArrayList<>();
        List<String> arrived = new ArrayList<>();
        for (Run run : runs.createdBefore(cutoff, MAX_RUNS_PER_SWEEP)) {
            if (objects.exists(run.bucket(), run.key())) {
                arrived.add(run.runId());
                continue;
            }
            Instant urlExpired = run.createdAt().plus(urlTtl);
            if (runs.expire(run.runId(), "UPLOAD_EXPIRED", "No file arrived for '" + run.fileName()
                    + "' before its upload URL expired at " + urlExpired + ". Start a new upload to import it.")) {
                expired.add(run.runId());
                metrics.runFinished(RunStatus.EXPIRED);
                abandonParts(run);
            }
        }
        return new Sweep(expired, arrived);
    }

    /**
     * An expired multipart upload may hold parts already stored: they are freed now. Should that fail, the bucket's
     * lifecycle rule for incomplete multipart uploads frees them a day later, so the run is EXPIRED regardless.
     */
    private void abandonParts(Run run) {
        if (!run.upload().multipart()) {
            return;
        }
        try {
            objects.abortMultipart(run.bucket(), run.key(), run.upload().multipartUploadId());
        } catch (RuntimeException e) {
            LOG.warn("run {}: the parts of its expired multipart upload were not freed ({}); the bucket's lifecycle"
                    + " rule frees them", run.runId(), e.toString());
        }
    }
}
