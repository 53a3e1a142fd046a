package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code serve}'s stop on SIGTERM: a close that finishes is waited for; one that hangs is left after the grace. */
class CloseWithinTest {

    @Test
    void aCloseThatFinishesIsWaitedFor() {
        CountDownLatch closed = new CountDownLatch(1);
        assertTrue(LocalSluice.closeWithin(closed::countDown, Duration.ofSeconds(30)));
        assertEquals(0, closed.getCount(), "the close ran to its end");
    }

    @Test
    void aCloseThatHangsIsLeftBehindOnceTheGraceIsOver() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        long begin = System.nanoTime();
        boolean stopped = LocalSluice.closeWithin(() -> {
            started.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, Duration.ofMillis(300));
        long tookMillis = (System.nanoTime() - begin) / 1_000_000;
        assertFalse(stopped, "reported as not stopped in time");
        assertTrue(started.await(5, TimeUnit.SECONDS), "the close was started");
        assertTrue(tookMillis >= 300 && tookMillis < 10_000, "returned after the grace, took " + tookMillis + " ms");
        never.countDown();
    }
}
