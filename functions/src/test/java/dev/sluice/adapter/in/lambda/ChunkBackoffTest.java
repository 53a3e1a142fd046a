package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

class ChunkBackoffTest {
    private final ChunkBackoff backoff = ChunkBackoff.from(Duration.ofSeconds(10));

    @Test
    void doublesFromTheBaseWithinAQuarterEitherWay() {
        long[] nominal = {10, 20, 40, 80, 160, 320, 320};
        for (int delivery = 1; delivery <= nominal.length; delivery++) {
            long expected = nominal[delivery - 1];
            int attempt = delivery;
            assertEquals(Math.round(expected * 0.75), backoff.delayAfter(attempt, () -> 0.0).toSeconds());
            assertEquals(expected, backoff.delayAfter(attempt, () -> 0.5).toSeconds());
            assertEquals(Math.round(expected * 1.25), backoff.delayAfter(attempt, () -> 0.999_999).toSeconds());
        }
    }

    /** The documented budget: four waits before the fifth (last) delivery, at least 112 s whatever the jitter. */
    @Test
    void theRetryBudgetOfFiveDeliveriesOutlastsAMinuteOfOutage() {
        SplittableRandom random = new SplittableRandom(15);
        long shortest = Long.MAX_VALUE;
        for (int trial = 0; trial < 10_000; trial++) {
            long sum = 0;
            for (int delivery = 1; delivery <= 4; delivery++) {
                sum += backoff.delayAfter(delivery, random::nextDouble).toSeconds();
            }
            shortest = Math.min(shortest, sum);
        }
        assertTrue(shortest >= 112, "shortest budget " + shortest + " s");
    }

    @Test
    void neverLessThanASecondNorMoreThanSqsAllows() {
        ChunkBackoff tiny = ChunkBackoff.from(Duration.ofMillis(100));
        assertEquals(1, tiny.delayAfter(1, () -> 0.0).toSeconds());
        ChunkBackoff huge = ChunkBackoff.from(Duration.ofHours(1));
        assertEquals(Duration.ofHours(12), huge.delayAfter(40, () -> 0.999));
        assertThrows(IllegalArgumentException.class, () -> ChunkBackoff.from(Duration.ZERO));
    }

    @Test
    void onlyFailuresThatPassByThemselvesAreBackedOff() {
        assertTrue(ChunkBackoff.isTransient(new RuntimeException(new SQLException("refused", "08001"))));
        assertTrue(ChunkBackoff.isTransient(new SQLException("terminating connection", "57P01")));
        assertTrue(ChunkBackoff.isTransient(new SQLException("too many clients", "53300")));
        assertTrue(ChunkBackoff.isTransient(new IllegalStateException(new ConnectException("refused"))));
        assertTrue(ChunkBackoff.isTransient(ProvisionedThroughputExceededException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException")
                        .build()).statusCode(400).build()));
        assertFalse(ChunkBackoff.isTransient(new SQLException("duplicate key", "23505")));
        assertFalse(ChunkBackoff.isTransient(new IllegalStateException("chunk 3 held 9 records, planned 10")));
        assertFalse(ChunkBackoff.isTransient(new SQLException("no state")));
    }

    @Test
    void aPassingFailureHidesTheMessageForTheBackoffAndAnyOtherKeepsTheVisibilityTimeout() {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setReceiptHandle("receipt-1");
        SqsBatch.Delivery third = new SqsBatch.Delivery("m-1", 3, message);
        List<String> hidden = new ArrayList<>();
        var log = LoggerFactory.getLogger(ChunkBackoffTest.class);

        backoff.afterFailure(new IllegalStateException(new SQLException("refused", "08001")), third,
                (receipt, delay) -> hidden.add(receipt + " " + delay.toSeconds()), "the publish of run r-1", log);
        assertEquals(1, hidden.size());
        long seconds = Long.parseLong(hidden.get(0).substring("receipt-1 ".length()));
        assertTrue(seconds >= 30 && seconds <= 50, "40 s ± 25 % for the third delivery: " + seconds);

        backoff.afterFailure(new IllegalStateException("a broken chunk"), third,
                (receipt, delay) -> hidden.add("not transient"), "chunk 1", log);
        SqsBatch.Delivery noHandle = new SqsBatch.Delivery("m-2", 1, new SQSEvent.SQSMessage());
        backoff.afterFailure(new IllegalStateException(new ConnectException("refused")), noHandle,
                (receipt, delay) -> hidden.add("no handle"), "chunk 2", log);
        assertEquals(1, hidden.size(), "neither is hidden: " + hidden);

        backoff.afterFailure(new IllegalStateException(new ConnectException("refused")), third, (receipt, delay) -> {
            throw new IllegalStateException("SQS is unreachable too");
        }, "chunk 3", log);
    }
}
