package dev.sluice.domain.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.domain.run.RunStatus;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProgressTrackerTest {
    private static final Instant T0 = Instant.parse("2026-11-29T14:00:00Z");

    static RunProgress state(String runId, RunStatus status, long counted, long bytesDone, long bytesTotal,
            long millis) {
        return new RunProgress(runId, "local", status, 10_000, counted, 0, bytesDone, bytesTotal,
                (int) (counted / 1000), 0, 10, T0.plusMillis(millis));
    }

    @Test
    void rateAndEtaComeFromTheRunsOwnTimestamps() {
        ProgressTracker tracker = new ProgressTracker(10);
        assertEquals(Estimate.UNKNOWN, tracker.observe(state("r", RunStatus.LOADING, 0, 0, 1_000_000, 0)).estimate(),
                "one observation says nothing about speed");
        Estimate estimate = tracker.observe(state("r", RunStatus.LOADING, 2_000, 200_000, 1_000_000, 1_000))
                .estimate();
        assertEquals(2_000.0, estimate.ratePerSec());
        assertEquals(4L, estimate.etaSec(), "800,000 bytes left at 200,000 bytes/s");
    }

    @Test
    void bytesNeverGoBackwardsNorPastTheTotal() {
        ProgressTracker tracker = new ProgressTracker(10);
        tracker.observe(state("r", RunStatus.LOADING, 1_000, 500, 1_000, 0));
        assertEquals(500, tracker.observe(state("r", RunStatus.LOADING, 1_000, 300, 1_000, 100)).progress()
                .bytesDone(), "an older state cannot take bytes back");
        assertEquals(1_000, tracker.observe(state("r", RunStatus.LOADING, 2_000, 1_400, 1_000, 200)).progress()
                .bytesDone(), "capped at the total");
    }

    @Test
    void bytesStayMonotonicOverAnyOrderOfStates() {
        Random random = new Random(42);
        ProgressTracker tracker = new ProgressTracker(10);
        long reported = 0;
        for (int i = 0; i < 10_000; i++) {
            long bytes = random.nextInt(2_000);
            long next = tracker.observe(state("r", RunStatus.LOADING, i, bytes, 1_500, i)).progress().bytesDone();
            assertTrue(next >= reported && next <= 1_500, "step " + i + ": " + reported + " -> " + next);
            reported = next;
        }
    }

    @Test
    void theWindowForgetsOldSpeed() {
        ProgressTracker tracker = new ProgressTracker(10);
        tracker.observe(state("r", RunStatus.LOADING, 0, 0, 10_000_000, 0));
        tracker.observe(state("r", RunStatus.LOADING, 100_000, 100_000, 10_000_000, 1_000));
        Estimate later = null;
        for (int second = 2; second <= 20; second++) {
            later = tracker.observe(state("r", RunStatus.LOADING, 100_000 + (second - 1) * 1_000L,
                    100_000 + (second - 1) * 1_000L, 10_000_000, second * 1_000L)).estimate();
        }
        assertEquals(1_000.0, later.ratePerSec(), "the burst of the first second has left the 5 s window");
    }

    @Test
    void finalRunsHaveNoTimeLeftAndAreForgotten() {
        ProgressTracker tracker = new ProgressTracker(10);
        tracker.observe(state("r", RunStatus.LOADING, 0, 0, 100, 0));
        Estimate done = tracker.observe(state("r", RunStatus.SUCCEEDED, 10_000, 100, 100, 500)).estimate();
        assertEquals(0L, done.etaSec());
        assertEquals(0, tracker.size());
    }

    @Test
    void memoryIsBounded() {
        ProgressTracker tracker = new ProgressTracker(3);
        for (int i = 0; i < 100; i++) {
            tracker.observe(state("run-" + i, RunStatus.LOADING, i, i, 1_000, i));
        }
        assertEquals(3, tracker.size());
    }

    @Test
    void aheadMeansNoCounterBehindAndSomethingMoved() {
        RunProgress seen = state("r", RunStatus.LOADING, 2_000, 200, 1_000, 0);
        assertTrue(state("r", RunStatus.LOADING, 3_000, 300, 1_000, 10).isAheadOf(seen));
        assertTrue(state("r", RunStatus.SUCCEEDED, 2_000, 200, 1_000, 10).isAheadOf(seen), "status moved on");
        assertFalse(state("r", RunStatus.LOADING, 2_000, 200, 1_000, 10).isAheadOf(seen), "the same state");
        assertFalse(state("r", RunStatus.LOADING, 1_000, 300, 1_000, 10).isAheadOf(seen), "stored went back");
        assertFalse(state("r", RunStatus.SPLITTING, 3_000, 300, 1_000, 10).isAheadOf(seen), "status went back");
        assertThrows(IllegalArgumentException.class, () -> state("x", RunStatus.LOADING, 0, 0, 1, 0).isAheadOf(seen));
    }

    @Test
    void messagesCheckThemselves() {
        RunProgress loading = state("r", RunStatus.LOADING, 2_000, 200, 1_000, 0);
        ProgressMessage message = ProgressMessage.of(MessageType.PROGRESS, loading, Estimate.UNKNOWN);
        assertNull(message.etaSec());
        assertEquals(MessageType.PROGRESS, MessageType.forChange(loading));
        assertThrows(IllegalArgumentException.class,
                () -> ProgressMessage.of(MessageType.FINISHED, loading, Estimate.UNKNOWN), "finished while loading");
        RunProgress done = state("r", RunStatus.PARTIAL, 2_000, 5_000, 1_000, 0);
        assertEquals(1_000, ProgressMessage.of(MessageType.FINISHED, done, Estimate.UNKNOWN).bytesDone(),
                "bytes capped at the total");
        assertEquals(0L, ProgressMessage.of(MessageType.SNAPSHOT, done, Estimate.UNKNOWN).etaSec());
        assertThrows(IllegalArgumentException.class, () -> new ProgressMessage(MessageType.PROGRESS, "r",
                RunStatus.LOADING, 1, 1, 0, 5, 4, 0, null, null, null, T0), "bytesDone past bytesTotal");
        assertThrows(IllegalArgumentException.class, () -> state("r", RunStatus.LOADING, -1, 0, 1, 0));
    }
}
