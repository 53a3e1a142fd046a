package dev.sluice.application.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.port.RunSearch;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Aggregates over the last day's runs: counts per status, sums, error rate, nearest-rank percentiles, the cap. */
class RunStatisticsTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    private static RunSearch search(List<RunSearch.RunFigures> runs, boolean capped, List<Instant> asked) {
        return new RunSearch() {
            @Override
            public Page search(Query query) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Figures createdSince(Instant since, int cap) {
                asked.add(since);
                return new Figures(runs, capped);
            }
        };
    }

    @Test
    void countsSumsRateAndPercentilesOfFinishedRuns() {
        List<RunSearch.RunFigures> runs = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            Instant created = NOW.minus(Duration.ofHours(1));
            runs.add(new RunSearch.RunFigures(i == 10 ? RunStatus.PARTIAL : RunStatus.SUCCEEDED, created,
                    created.plusSeconds(i), 100, i == 10 ? 97 : 100, i == 10 ? 3 : 0));
        }
        runs.add(new RunSearch.RunFigures(RunStatus.LOADING, NOW.minusSeconds(5), null, 1000, 0, 0));
        List<Instant> asked = new ArrayList<>();
        RunStatistics.Stats stats = new RunStatistics(search(runs, false, asked), Clock.fixed(NOW, ZoneOffset.UTC))
                .last24Hours();
        assertEquals(List.of(NOW.minus(Duration.ofHours(24))), asked);
        assertEquals(11, stats.runs());
        assertEquals(9, stats.runsByStatus().get(RunStatus.SUCCEEDED));
        assertEquals(1, stats.runsByStatus().get(RunStatus.PARTIAL));
        assertEquals(1, stats.runsByStatus().get(RunStatus.LOADING));
        assertEquals(0, stats.runsByStatus().get(RunStatus.FAILED));
        assertEquals(2000, stats.records());
        assertEquals(997, stats.stored());
        assertEquals(3, stats.errors());
        assertEquals(0.0015, stats.errorRate(), 1e-12);
        assertEquals(10, stats.finishedRuns(), "the loading run has no duration");
        assertEquals(Optional.of(Duration.ofSeconds(5)), stats.durationP50());
        assertEquals(Optional.of(Duration.ofSeconds(10)), stats.durationP95());
        assertFalse(stats.capped());
    }

    @Test
    void noRunsGiveZeroesAndNoDurationsAndTheCapIsReported() {
        RunStatistics.Stats stats = new RunStatistics(search(List.of(), true, new ArrayList<>()),
                Clock.fixed(NOW, ZoneOffset.UTC), 5).last24Hours();
        assertEquals(0, stats.runs());
        assertEquals(0.0, stats.errorRate());
        assertEquals(Optional.empty(), stats.durationP50());
        assertTrue(stats.capped());
        assertEquals(5, stats.maxRuns());
    }
}
