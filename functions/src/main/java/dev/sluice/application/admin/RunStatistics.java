package dev.sluice.application.admin;

import dev.sluice.application.port.RunSearch;
import dev.sluice.application.port.RunSearch.RunFigures;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/stats}: aggregates over the runs created in the last 24 hours, with no owner, file name or run id
 * in them, so a load balancer or a dashboard may read them without signing in. At most {@link #MAX_RUNS} runs are
 * read; beyond that the answer says it is capped.
 */
public final class RunStatistics {
    public static final Duration WINDOW = Duration.ofHours(24);
    public static final int MAX_RUNS = 10_000;

    private final RunSearch search;
    private final Clock clock;
    private final int maxRuns;

    public RunStatistics(RunSearch search, Clock clock) {
        this(search, clock, MAX_RUNS);
    }

    public RunStatistics(RunSearch search, Clock clock, int maxRuns) {
        this.search = search;
        this.clock = clock;
        this.maxRuns = maxRuns;
    }

    /**
     * @param records         data records of the runs (as their splitters counted them)
     * @param errorRate       errors / records, 0 without records
     * @param durationP50     median of {@code finishedAt - createdAt} over the final runs, empty when none finished
     * @param finishedRuns    the runs the durations are taken over
     * @param capped          whether more runs were created in the window than {@code maxRuns}
     */
    public record Stats(Instant since, Instant until, Map<RunStatus, Integer> runsByStatus, int runs, long records,
            long stored, long errors, double errorRate, Optional<Duration> durationP50,
            Optional<Duration> durationP95, int finishedRuns, boolean capped, int maxRuns) {
    }

    public Stats last24Hours() {
        Instant until = clock.instant();
        Instant since = until.minus(WINDOW);
        RunSearch.Figures figures = search.createdSince(since, maxRuns);
        Map<RunStatus, Integer> byStatus = new EnumMap<>(RunStatus.class);
        for (RunStatus status : RunStatus.values()) {
            byStatus.put(status, 0);
        }
        long records = 0;
        long stored = 0;
        long errors = 0;
        List<Duration> durations = new ArrayList<>();
        for (RunFigures run : figures.runs()) {
            byStatus.merge(run.status(), 1, Integer::sum);
            records += run.records();
            stored += run.stored();
            errors += run.errors();
            if (run.status().isFinal() && run.finishedAt() != null && run.createdAt() != null
                    && !run.finishedAt().isBefore(run.createdAt())) {
                durations.add(Duration.between(run.createdAt(), run.finishedAt()));
            }
        }
        Collections.sort(durations);
        double errorRate = records == 0 ? 0 : Math.round(errors * 1_000_000.0 / records) / 1_000_000.0;
        return new Stats(since, until, byStatus, figures.runs().size(), records, stored, errors, errorRate,
                percentile(durations, 50), percentile(durations, 95), durations.size(), figures.capped(), maxRuns);
    }

    /** Nearest rank: the smallest value with at least {@code p} percent of the values at or below it. */
    static Optional<Duration> percentile(List<Duration> sorted, int p) {
        if (sorted.isEmpty()) {
            return Optional.empty();
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return Optional.of(sorted.get(Math.max(0, rank - 1)));
    }
}
