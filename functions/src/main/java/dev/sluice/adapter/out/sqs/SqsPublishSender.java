package dev.sluice.adapter.out.sqs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.port.PublishSender;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Sends {@code {"runId": "..."}} to PublishQueue. */
public final class SqsPublishSender implements PublishSender {
    private final SqsClient sqs;
    private final String queueUrl;
    private final ObjectMapper json;

    public SqsPublishSender(SqsClient sqs, String queueUrl, ObjectMapper json) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.json = json;
    }

    @Override
    public void send(String runId) {
        String body = json.createObjectNode().put("runId", runId).toString();
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
    }
}
