package dev.sluice.adapter.out.sqs;

import dev.sluice.application.health.CheckHealth;
import dev.sluice.application.port.HealthProbe;
import dev.sluice.application.port.QueueAge;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * GetQueueAttributes on each queue (ChunkQueue, IngestQueue, ChunkDLQ): depth and in-flight count per queue, and for
 * ChunkQueue the age of its oldest message.
 * <p>
 * GetQueueAttributes has no age, so a queue with no message at all is 0 old (known at once, while the metric lags),
 * and otherwise the age comes from a {@link QueueAge}: CloudWatch's {@code ApproximateAgeOfOldestMessage} on AWS, the
 * emulator's store locally. {@code oldestMessageAgeSource} says which, or why the age is unknown (null).
 */
public final class SqsHealthProbe implements HealthProbe {
    private final SqsClient sqs;
    private final Map<String, String> queues;
    private final String ageQueue;
    private final QueueAge age;

    /**
     * @param queues   queue name → URL, in the order to report them
     * @param ageQueue the queue whose oldest message's age is reported (ChunkQueue)
     * @param age      where that age is read when the queue is not empty
     */
    public SqsHealthProbe(SqsClient sqs, Map<String, String> queues, String ageQueue, QueueAge age) {
        this.sqs = sqs;
        this.queues = new LinkedHashMap<>(queues);
        this.ageQueue = ageQueue;
        this.age = age;
    }

    @Override
    public String name() {
        return "queues";
    }

    @Override
    public Map<String, Object> probe() {
        Map<String, Object> facts = new LinkedHashMap<>();
        queues.forEach((name, url) -> {
            GetQueueAttributesResponse response = sqs.getQueueAttributes(b -> b.queueUrl(url)
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
            Map<String, String> attributes = response.attributesAsStrings();
            long visible = number(attributes.get("ApproximateNumberOfMessages"));
            long inFlight = number(attributes.get("ApproximateNumberOfMessagesNotVisible"));
            long delayed = number(attributes.get("ApproximateNumberOfMessagesDelayed"));
            Map<String, Object> queue = new LinkedHashMap<>();
            queue.put("messages", visible);
            queue.put("inFlight", inFlight);
            queue.put("delayed", delayed);
            if (name.equals(ageQueue)) {
                QueueAge.Reading reading = visible + inFlight + delayed == 0
                        ? QueueAge.Reading.known(0, "queue empty") : age.oldestMessageAge(url);
                queue.put(CheckHealth.OLDEST_MESSAGE_AGE, reading.seconds());
                queue.put("oldestMessageAgeSource", reading.source());
            }
            facts.put(name, queue);
        });
        return facts;
    }

    private static long number(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
