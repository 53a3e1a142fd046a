package dev.sluice.application.publish;

import dev.sluice.application.port.PublishRuns;
import dev.sluice.application.port.PublishSender;
import dev.sluice.domain.run.Run;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The reconciler's safety net for publishing: a run in PUBLISHING for longer than the window (its message was lost,
 * or rests in PublishDLQ after five failed attempts) gets its publish message again. A duplicate is harmless: the
 * publish ledger publishes a run once.
 */
public final class RepublishStuck {
    /** Runs handled per sweep; the rest wait for the next one. */
    static final int MAX_PER_SWEEP = 100;

    private final PublishRuns runs;
    private final PublishSender sender;
    private final Duration window;
    private final Clock clock;

    public RepublishStuck(PublishRuns runs, PublishSender sender, Duration window, Clock clock) {
        this.runs = runs;
        this.sender = sender;
        this.window = window;
        this.clock = clock;
    }

    /** The ids of the runs whose publish message was sent again. */
    public List<String> republishStuck() {
        List<Run> stuck = runs.publishingBefore(clock.instant().minus(window), MAX_PER_SWEEP);
        stuck.forEach(run -> sender.send(run.runId()));
        return stuck.stream().map(Run::runId).toList();
    }
}
