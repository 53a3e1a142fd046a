package dev.sluice.domain.run;

import static dev.sluice.domain.run.RunStatus.CANCELLED;
import static dev.sluice.domain.run.RunStatus.CREATED;
import static dev.sluice.domain.run.RunStatus.DUPLICATE;
import static dev.sluice.domain.run.RunStatus.EXPIRED;
import static dev.sluice.domain.run.RunStatus.FAILED;
import static dev.sluice.domain.run.RunStatus.LOADING;
import static dev.sluice.domain.run.RunStatus.PARTIAL;
import static dev.sluice.domain.run.RunStatus.PUBLISHING;
import static dev.sluice.domain.run.RunStatus.RECEIVED;
import static dev.sluice.domain.run.RunStatus.REVIEW;
import static dev.sluice.domain.run.RunStatus.ROLLED_BACK;
import static dev.sluice.domain.run.RunStatus.SPLITTING;
import static dev.sluice.domain.run.RunStatus.SUCCEEDED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunStatusTest {
    /** The complete table of allowed moves; anything not listed must be refused. */
    private static final Map<RunStatus, Set<RunStatus>> ALLOWED = Map.of(
            CREATED, EnumSet.of(RECEIVED, EXPIRED, FAILED, CANCELLED),
            RECEIVED, EnumSet.of(SPLITTING, DUPLICATE, FAILED, CANCELLED),
            SPLITTING, EnumSet.of(SPLITTING, LOADING, DUPLICATE, FAILED, CANCELLED),
            LOADING, EnumSet.of(PUBLISHING, REVIEW, SUCCEEDED, PARTIAL, FAILED, CANCELLED),
            REVIEW, EnumSet.of(PUBLISHING, FAILED, CANCELLED),
            PUBLISHING, EnumSet.of(SUCCEEDED, PARTIAL, FAILED, CANCELLED));

    @Test
    void finalStatuses() {
        assertEquals(EnumSet.of(SUCCEEDED, PARTIAL, FAILED, DUPLICATE, CANCELLED, EXPIRED, ROLLED_BACK),
                EnumSet.copyOf(java.util.Arrays.stream(RunStatus.values()).filter(RunStatus::isFinal).toList()));
    }

    @Test
    void everyPairOfStatusesFollowsTheTable() {
        for (RunStatus from : RunStatus.values()) {
            for (RunStatus to : RunStatus.values()) {
                boolean expected = ALLOWED.getOrDefault(from, Set.of()).contains(to);
                assertEquals(expected, from.canMoveTo(to), from + " -> " + to);
            }
        }
    }

    @Test
    void reviewIsAtRestButNotFinal() {
        assertEquals(false, REVIEW.isFinal());
        assertEquals(true, REVIEW.isAtRest());
        assertEquals(false, PUBLISHING.isAtRest());
        assertEquals(true, ROLLED_BACK.isAtRest());
    }

    @Test
    void onlySplittingAndLoadingRunsAcceptChunks() {
        assertEquals(EnumSet.of(SPLITTING, LOADING),
                EnumSet.copyOf(java.util.Arrays.stream(RunStatus.values()).filter(RunStatus::acceptsChunks).toList()));
    }

    @Test
    void aFinalStatusNeverMovesAgain() {
        for (RunStatus from : RunStatus.values()) {
            if (from.isFinal()) {
                for (RunStatus to : RunStatus.values()) {
                    assertEquals(false, from.canMoveTo(to), from + " -> " + to);
                }
            }
        }
    }
}
