package dev.sluice.local.emulator;

import dev.sluice.application.port.QueueAge;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local runtime's answer to CloudWatch's ApproximateAgeOfOldestMessage: the send time of the oldest message in
 * the SQS emulator's store, measured against the runtime's clock. Real to the second, not a minute behind as the
 * metric is on AWS.
 */
public final class ElasticMqQueueAge implements QueueAge {
    private static final Logger LOG = LoggerFactory.getLogger(ElasticMqQueueAge.class);

    private final SqsEmulator sqs;
    private final Clock clock;

    public ElasticMqQueueAge(SqsEmulator sqs, Clock clock) {
        this.sqs = sqs;
        this.clock = clock;
    }

    @Override
    public Reading oldestMessageAge(String queueUrl) {
        String queue = QueueAge.queueName(queueUrl);
        Optional<Instant> sent;
        try {
            sent = sqs.oldestMessageSent(queue);
        } catch (SQLException e) {
            LOG.warn("reading the oldest message of {} from the SQS emulator's store failed", queue, e);
            return Reading.unknown("the SQS emulator's store could not be read (details in the log)");
        }
        // Counted but not yet in the store (written a moment after the send): the age is not known for that moment.
        return sent.map(at -> Reading.known(Duration.between(at, clock.instant()).toSeconds(),
                        "the SQS emulator's store (send time of the oldest message not yet deleted)"))
                .orElseGet(() -> Reading.unknown("the SQS emulator's store has not written the queue's messages yet"));
    }
}
