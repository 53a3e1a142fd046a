package dev.sluice.adapter.out.sqs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.wire.DeliveryMessageCodec;
import dev.sluice.application.port.DeliverySender;
import dev.sluice.domain.destination.DeliveryMessage;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Sends a delivery to DeliveryQueue. */
public final class SqsDeliverySender implements DeliverySender {
    private final SqsClient sqs;
    private final String queueUrl;
    private final ObjectMapper json;

    public SqsDeliverySender(SqsClient sqs, String queueUrl, ObjectMapper json) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.json = json;
    }

    @Override
    public void send(DeliveryMessage message) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(DeliveryMessageCodec.encode(json, message)));
    }
}
