package dev.sluice.domain.progress;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The progress math, fed with the states of runs in the order they changed: records per second and time left
 * over a sliding window, and bytes that never go backwards or past the total. Time is the runs' own
 * {@code updatedAt}, never the clock of whoever observes, so the same changes always give the same figures.
 *
 * <p>Not thread-safe; one instance serves one stream of changes (one shard of the runs table's stream is
 * processed by one invocation at a time). It forgets a run when it is final and remembers at most
 * {@code maxRuns} runs, the least recently changed forgotten first, so memory stays bounded.
 */
public final class ProgressTracker {
    /** Long enough to smooth over one chunk's counting (a chunk lands every ~0.2 s per loader on a 1M import). */
    static final Duration WINDOW = Duration.ofSeconds(5);
    private static final int MAX_SAMPLES = 64;

    private final Map<String, RunHistory> runs;

    public ProgressTracker(int maxRuns) {
        if (maxRuns < 1) {
            throw new IllegalArgumentException("maxRuns must be at least 1, was " + maxRuns);
        }
        this.runs = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RunHistory> eldest) {
                return size() > maxRuns;
            }
        };
    }

    /** A state of a run and what it is worth to a watcher. */
    public record Observation(RunProgress progress, Estimate estimate) {
    }

    /**
     * Records a change and returns it with {@code bytesDone} made monotonic (never below a state already observed,
     * never above the total) and the rate and ETA as of this change.
     */
    public Observation observe(RunProgress change) {
        RunHistory history = runs.computeIfAbsent(change.runId(), id -> new RunHistory());
        long bytesDone = Math.min(Math.max(change.bytesDone(), history.highestBytes), change.bytesTotal());
        history.highestBytes = Math.max(history.highestBytes, bytesDone);
        RunProgress adjusted = bytesDone == change.bytesDone() ? change : new RunProgress(change.runId(),
                change.owner(), change.status(), change.records(), change.stored(), change.errors(), bytesDone,
                change.bytesTotal(), change.chunksDone(), change.chunksDead(), change.chunksTotal(),
                change.updatedAt(), change.reviewReady());
        long at = change.updatedAt().toEpochMilli();
        history.samples.addLast(new Sample(at, adjusted.counted(), bytesDone));
        while (history.samples.size() > MAX_SAMPLES
                || history.samples.size() > 2 && history.samples.peekFirst().at < at - WINDOW.toMillis()) {
            history.samples.removeFirst();
        }
        Estimate estimate = estimate(history.samples, adjusted);
        if (change.isFinal()) {
            runs.remove(change.runId());
        }
        return new Observation(adjusted, estimate);
    }

    /** Runs currently remembered. */
    public int size() {
        return runs.size();
    }

    static Estimate estimate(Deque<Sample> samples, RunProgress now) {
        if (samples.size() < 2) {
            return Estimate.UNKNOWN;
        }
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        long millis = last.at - first.at;
        if (millis <= 0) {
            return Estimate.UNKNOWN;
        }
        double seconds = millis / 1000.0;
        double rate = Math.max(0, last.counted - first.counted) / seconds;
        double bytesPerSecond = Math.max(0, last.bytes - first.bytes) / seconds;
        Long eta = null;
        if (now.isFinal()) {
            eta = 0L;
        } else if (bytesPerSecond > 0 && now.bytesTotal() > 0) {
            eta = (long) Math.ceil((now.bytesTotal() - now.bytesDone()) / bytesPerSecond);
        }
        return new Estimate(Math.round(rate * 10) / 10.0, eta);
    }

    record Sample(long at, long counted, long bytes) {
    }

    private static final class RunHistory {
        private final Deque<Sample> samples = new ArrayDeque<>();
        private long highestBytes;
    }
}
