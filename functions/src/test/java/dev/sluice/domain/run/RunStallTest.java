package dev.sluice.domain.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.domain.run.Run.RunSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@code stalled}, {@code stalledReason} and {@code waitingForRedeliveryUntil} say about a run. */
class RunStallTest {
    private static final Instant CHANGED = Instant.parse("2026-01-01T10:00:00Z");
    private static final Duration VISIBILITY = Duration.ofMinutes(12);

    @Test
    void aLoadingRunUnchangedForLongerThanALoadWaitsForRedeliveryUntilTheVisibilityTimeoutEnds() {
        assertEquals(Optional.empty(), stall(RunStatus.LOADING, Duration.ofSeconds(119)), "a load may still run");
        Instant by = CHANGED.plusSeconds(120).plus(VISIBILITY);
        assertEquals(Optional.of(new Stall(Stall.Reason.WAITING_FOR_REDELIVERY, Optional.of(by))),
                stall(RunStatus.LOADING, Duration.ofSeconds(121)));
        assertEquals(Optional.of(new Stall(Stall.Reason.WAITING_FOR_REDELIVERY, Optional.of(by))),
                stall(RunStatus.LOADING, Duration.ofMinutes(13)));
        assertEquals(Optional.of(new Stall(Stall.Reason.NO_PROGRESS, Optional.empty())),
                stall(RunStatus.LOADING, Duration.ofMinutes(15)), "the chunk should be back by now");
    }

    @Test
    void otherStatesAreStalledOnlyAfterFifteenMinutesAndFinalOrCreatedRunsNever() {
        assertEquals(Optional.empty(), stall(RunStatus.SPLITTING, Duration.ofMinutes(14)));
        assertEquals(Optional.of(new Stall(Stall.Reason.NO_PROGRESS, Optional.empty())),
                stall(RunStatus.SPLITTING, Duration.ofMinutes(16)));
        assertEquals(Optional.empty(), stall(RunStatus.SUCCEEDED, Duration.ofDays(1)));
        assertEquals(Optional.empty(), stall(RunStatus.CREATED, Duration.ofDays(1)));
    }

    /** The run's own rule: the run as last changed at CHANGED, asked {@code since} later. */
    private static Optional<Stall> stall(RunStatus status, Duration since) {
        Run run = Run.created("r1", "alice", "default", "f.csv", "b", "k", RunSource.UPLOAD, status, 10, Map.of(),
                CHANGED);
        return run.stall(CHANGED.plus(since), VISIBILITY);
    }
}
