package dev.sluice.application.source;

import dev.sluice.application.port.PublishListener;
import dev.sluice.application.port.RunRepository;
import dev.sluice.application.port.SourceRepository;
import dev.sluice.application.upload.UploadKey;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.domain.source.Pull;
import dev.sluice.domain.source.PullStatus;
import dev.sluice.domain.source.Source;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Moves a source's checkpoint, and only when its pull's data is in: the pull's run was published (the
 * {@link PublishListener} the publish engine calls), or, with {@link Advance#WHEN_RUN_FINISHED} (used until a
 * publish engine is wired in), the run ended SUCCEEDED or PARTIAL. A run that failed (or was cancelled, expired or
 * rolled back) fails its pull and leaves the checkpoint, so the next pull asks for the same data again. A pull whose
 * process died while fetching (RUNNING for longer than {@code pullTimeout}) is failed the same way.
 */
public final class SourceCheckpoints implements PublishListener {
    private final SourceRepository sources;
    private final RunRepository runs;
    private final Clock clock;
    private final Duration pullTimeout;
    private final Advance advance;

    /** When a loaded pull's checkpoint advances. */
    public enum Advance {
        /** When the publish engine reports the run published: the only setting once it exists. */
        ON_PUBLISH,
        /** When the run ends SUCCEEDED or PARTIAL: for a pipeline without a publish engine. */
        WHEN_RUN_FINISHED
    }

    public SourceCheckpoints(SourceRepository sources, RunRepository runs, Clock clock, Duration pullTimeout,
            Advance advance) {
        this.sources = sources;
        this.runs = runs;
        this.clock = clock;
        this.pullTimeout = pullTimeout;
        this.advance = advance;
    }

    @Override
    public void published(Published published) {
        Optional<Run> run = published.run().or(() -> runs.find(published.runId()));
        if (run.isEmpty() || run.get().source() != Run.RunSource.PULL
                || !(UploadKey.parse(run.get().key()).orElse(null) instanceof UploadKey.Pulled key)) {
            return;
        }
        sources.findPull(key.sourceId(), key.pullId())
                .filter(pull -> pull.status() == PullStatus.LOADING)
                .ifPresent(pull -> sources.advance(pull.done(run.get().records(), clock.instant()),
                        pull.checkpointAfter()));
    }

    /**
     * Brings the source's active pull up to date with its run, and returns the source as it is now; a pull still
     * fetching or loading keeps the source.
     */
    public Source settle(Source source) {
        if (source.activePull() == null) {
            return source;
        }
        Optional<Pull> found = sources.findPull(source.id(), source.activePull());
        if (found.isEmpty()) {
            sources.release(source.id(), source.activePull());
            return reread(source);
        }
        Pull pull = found.get();
        switch (pull.status()) {
            case RUNNING -> {
                if (pull.startedAt().plus(pullTimeout).isBefore(clock.instant())) {
                    sources.savePull(pull.failed("the pull stopped while fetching (its process ended); the "
                            + "checkpoint was kept and the next pull starts from it", clock.instant()));
                    sources.release(source.id(), pull.pullId());
                }
            }
            case LOADING -> settleLoading(pull);
            default -> sources.release(source.id(), pull.pullId());
        }
        return reread(source);
    }

    private void settleLoading(Pull pull) {
        Optional<Run> run = runs.find(pull.runId());
        if (run.isEmpty()) {
            return;
        }
        RunStatus status = run.get().status();
        if (status == RunStatus.SUCCEEDED || status == RunStatus.PARTIAL || status == RunStatus.DUPLICATE) {
            // DUPLICATE: the same content was loaded into the dataset by an earlier run, so it is in. A run that
            // stored nothing (the pulled file had a header only) ends without publishing: nothing is missing.
            if (advance == Advance.WHEN_RUN_FINISHED || status == RunStatus.DUPLICATE || run.get().stored() == 0) {
                sources.advance(pull.done(run.get().records(), clock.instant()), pull.checkpointAfter());
            }
        } else if (status.isFinal()) {
            String why = run.get().failureMessage() == null ? "" : ": " + run.get().failureMessage();
            sources.savePull(pull.failed("run " + pull.runId() + " ended " + status + why
                    + "; the checkpoint was kept", clock.instant()));
            sources.release(pull.sourceId(), pull.pullId());
        }
    }

    private Source reread(Source source) {
        return sources.find(source.id()).orElse(source);
    }
}
