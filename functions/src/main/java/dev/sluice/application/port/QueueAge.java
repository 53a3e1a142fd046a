package dev.sluice.application.port;

/**
 * How old the oldest message waiting in a queue is. SQS's GetQueueAttributes does not say (only CloudWatch's
 * {@code ApproximateAgeOfOldestMessage} metric does), and receiving a message to look at it would count towards the
 * queue's maxReceiveCount, so this is a port of its own: CloudWatch on AWS, the emulator's store locally.
 */
public interface QueueAge {

    /** Where nothing can tell: the age stays unknown, and the reading says why. */
    static QueueAge unknown(String why) {
        Reading reading = Reading.unknown(why);
        return queueUrl -> reading;
    }

    /** @param queueUrl the queue's URL (its last path segment is its name) */
    Reading oldestMessageAge(String queueUrl);

    /**
     * @param seconds the age of the oldest message not yet deleted, in whole seconds; null when unknown
     * @param source  where the figure comes from, or why it is unknown
     */
    record Reading(Long seconds, String source) {
        public Reading {
            if (seconds != null && seconds < 0) {
                throw new IllegalArgumentException("a message's age cannot be negative: " + seconds);
            }
            if (source == null || source.isBlank()) {
                throw new IllegalArgumentException("a reading says where it comes from");
            }
        }

        public static Reading known(long seconds, String source) {
            return new Reading(Math.max(0, seconds), source);
        }

        public static Reading unknown(String why) {
            return new Reading(null, "unknown: " + why);
        }
    }

    /** The queue's name: the last path segment of its URL (SQS and ElasticMQ alike). */
    static String queueName(String queueUrl) {
        String trimmed = queueUrl.endsWith("/") ? queueUrl.substring(0, queueUrl.length() - 1) : queueUrl;
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
}
