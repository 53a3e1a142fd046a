package dev.sluice.adapter.in.lambda;

import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * When a chunk failed on something that passes by itself (the database unreachable, DynamoDB throttling), the next
 * delivery waits {@code base × 2^(delivery − 1)}, capped, with ±25 % jitter so the chunks of one outage do not all
 * come back at the same instant. Without it a failed chunk comes back after ChunkQueue's visibility timeout (12 min):
 * an outage of a minute would cost each chunk twelve, and a longer one would spend its deliveries at the same pace
 * as a chunk that can never load. Other failures keep that timeout: retrying a broken chunk sooner helps nobody.
 *
 * <p>A publish message (PublishQueue) that failed the same way takes the same backoff.
 *
 * <p>The budget: with maxReceiveCount 5 the fourth failed delivery is the last one retried, after waits of
 * 10, 20, 40 and 80 s with the default base of 10 s; jitter shortens the sum to 112 s at the least.
 */
record ChunkBackoff(Duration base, Duration cap) {
    /** ChangeMessageVisibility accepts at most 12 hours. */
    static final Duration SQS_MAX = Duration.ofHours(12);

    ChunkBackoff {
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("the backoff's base must be positive, was " + base);
        }
        if (cap.compareTo(base) < 0 || cap.compareTo(SQS_MAX) > 0) {
            throw new IllegalArgumentException("the backoff's cap must lie in [" + base + ", 12 h], was " + cap);
        }
    }

    static ChunkBackoff from(Duration base) {
        return new ChunkBackoff(base, SQS_MAX.compareTo(base.multipliedBy(32)) < 0 ? SQS_MAX : base.multipliedBy(32));
    }

    /**
     * The wait before the delivery after {@code receiveCount} (1 = the first one failed), whole seconds, at least 1.
     *
     * @param random a value in [0, 1)
     */
    Duration delayAfter(int receiveCount, DoubleSupplier random) {
        int doublings = Math.min(Math.max(receiveCount, 1) - 1, 30);
        long nominal = Math.min(cap.toMillis(), base.toMillis() << doublings);
        long jittered = Math.round(nominal * (0.75 + 0.5 * random.getAsDouble()));
        return Duration.ofSeconds(Math.max(1, Math.min(SQS_MAX.toSeconds(), Math.round(jittered / 1000.0))));
    }

    /**
     * After {@code delivery} failed on {@code failure}: a failure that passes by itself hides the message for the
     * backoff of its receive count ({@code redeliveryDelay} takes the receipt handle and the delay), so it comes back
     * sooner than the queue's visibility timeout; any other failure, or a message without a receipt handle, keeps
     * that timeout. Best effort: if the delay cannot be set, the visibility timeout brings the message back instead.
     * {@code what} names the message in the log ("chunk 3").
     */
    void afterFailure(RuntimeException failure, SqsBatch.Delivery delivery,
            BiConsumer<String, Duration> redeliveryDelay, String what, Logger log) {
        String receiptHandle = delivery.message().getReceiptHandle();
        if (!isTransient(failure) || receiptHandle == null) {
            return;
        }
        Duration delay = delayAfter(delivery.receiveCount(), ThreadLocalRandom.current()::nextDouble);
        try {
            redeliveryDelay.accept(receiptHandle, delay);
            log.warn("{} failed on a passing fault (delivery {}); next delivery in {} s", what,
                    delivery.receiveCount(), delay.toSeconds());
        } catch (RuntimeException e) {
            log.warn("could not delay the next delivery of {}: {}", what, e.toString());
        }
    }

    /**
     * Whether the failure passes by itself: the database refused or lost the connection (SQLSTATE class 08), is
     * shutting down or starting (57P01–57P03), has no connection slot left (53300), or an AWS service throttled.
     */
    static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P0") || state.equals("53300")) {
                    return true;
                }
            }
            if (cause instanceof ConnectException) {
                return true;
            }
            if (cause instanceof SdkServiceException service && service.isThrottlingException()) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
