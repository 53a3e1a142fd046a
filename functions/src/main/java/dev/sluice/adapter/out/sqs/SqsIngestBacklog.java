package dev.sluice.adapter.out.sqs;

import dev.sluice.application.port.IngestBacklog;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** IngestQueue's approximate depth: visible, in-flight and delayed messages (one GetQueueAttributes call). */
public final class SqsIngestBacklog implements IngestBacklog {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsIngestBacklog(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public long waiting() {
        Map<String, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributesAsStrings();
        return number(attributes.get("ApproximateNumberOfMessages"))
                + number(attributes.get("ApproximateNumberOfMessagesNotVisible"))
                + number(attributes.get("ApproximateNumberOfMessagesDelayed"));
    }

    private static long number(String value) {
        return value == null || value.isBlank() ? 0 : Long.parseLong(value.trim());
    }
}
