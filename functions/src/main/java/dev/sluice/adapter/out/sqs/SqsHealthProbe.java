package dev.sluice.adapter.out.sqs;

import dev.sluice.application.health.CheckHealth;
import dev.sluice.application.port.HealthProbe;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * GetQueueAttributes on each queue (ChunkQueue, IngestQueue, ChunkDLQ): depth and in-flight count per queue.
 * <p>
 * The age of ChunkQueue's oldest message is CloudWatch's {@code ApproximateAgeOfOldestMessage} metric; SQS's
 * GetQueueAttributes has no such attribute (and receiving a message to look at it would count as a delivery towards
 * the DLQ). So it is taken from the queue's attributes when the endpoint offers it under that name, else it is 0 when
 * the queue holds no message at all, and unknown (null) otherwise; {@code oldestMessageAgeSource} says which.
 */
public final class SqsHealthProbe implements HealthProbe {
    private static final String AGE_ATTRIBUTE = "ApproximateAgeOfOldestMessage";

    private final SqsClient sqs;
    private final Map<String, String> queues;
    private final String ageQueue;

    /**
     * @param queues   queue name → URL, in the order to report them
     * @param ageQueue the queue whose oldest message's age is reported (ChunkQueue)
     */
    public SqsHealthProbe(SqsClient sqs, Map<String, String> queues, String ageQueue) {
        this.sqs = sqs;
        this.queues = new LinkedHashMap<>(queues);
        this.ageQueue = ageQueue;
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
                String age = attributes.get(AGE_ATTRIBUTE);
                if (age != null) {
                    queue.put(CheckHealth.OLDEST_MESSAGE_AGE, number(age));
                    queue.put("oldestMessageAgeSource", "queue attribute " + AGE_ATTRIBUTE);
                } else if (visible + inFlight + delayed == 0) {
                    queue.put(CheckHealth.OLDEST_MESSAGE_AGE, 0L);
                    queue.put("oldestMessageAgeSource", "queue empty");
                } else {
                    queue.put(CheckHealth.OLDEST_MESSAGE_AGE, null);
                    queue.put("oldestMessageAgeSource", "unknown: SQS GetQueueAttributes has no age attribute; "
                            + "see the CloudWatch metric ApproximateAgeOfOldestMessage");
                }
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
