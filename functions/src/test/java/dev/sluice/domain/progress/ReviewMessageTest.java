package dev.sluice.domain.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.domain.run.RunStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** run.review: sent once a run in REVIEW has its review counts, never for another status, and only once. */
class ReviewMessageTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private static RunProgress state(RunStatus status, boolean reviewReady) {
        return new RunProgress("run-1", "alice", status, 10, 9, 1, 100, 100, 2, 0, 2, T0, reviewReady);
    }

    @Test
    void aRunInReviewIsAnnouncedOnceItsReviewCountsAreRecorded() {
        assertEquals(MessageType.PROGRESS, MessageType.forChange(state(RunStatus.LOADING, false)));
        assertEquals(MessageType.PROGRESS, MessageType.forChange(state(RunStatus.REVIEW, false)),
                "entering REVIEW before the counts are recorded is progress");
        assertEquals(MessageType.REVIEW, MessageType.forChange(state(RunStatus.REVIEW, true)));
        assertEquals("run.review", MessageType.REVIEW.wireName());
        assertEquals(MessageType.FINISHED, MessageType.forChange(state(RunStatus.SUCCEEDED, false)));
    }

    @Test
    void becomingReadyIsNewerAndNothingElseAboutItIs() {
        RunProgress entered = state(RunStatus.REVIEW, false);
        RunProgress ready = state(RunStatus.REVIEW, true);
        assertTrue(ready.isAheadOf(entered), "the counts arriving is a change a watcher must get");
        assertFalse(entered.isAheadOf(ready), "a stream record from before the counts is older");
        assertFalse(ready.isAheadOf(ready), "the same state twice is sent once");
        assertTrue(state(RunStatus.PUBLISHING, false).isAheadOf(ready), "publishing follows review");
    }

    @Test
    void aReviewMessageOrFlagOutsideReviewIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> state(RunStatus.LOADING, true));
        assertThrows(IllegalArgumentException.class, () -> new ProgressMessage(MessageType.REVIEW, "run-1",
                RunStatus.PUBLISHING, 10, 9, 1, 100, 100, 2, 2, null, null, T0));
    }
}
