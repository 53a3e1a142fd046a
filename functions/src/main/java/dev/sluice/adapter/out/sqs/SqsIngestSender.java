package dev.sluice.adapter.out.sqs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.port.IngestSender;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Sends an S3 ObjectCreated notification (event version 2.1, the members SplitFunction reads) to IngestQueue, as
 * the bucket's notification configuration would have.
 */
public final class SqsIngestSender implements IngestSender {
    private final SqsClient sqs;
    private final String queueUrl;
    private final ObjectMapper json;
    private final Clock clock;

    public SqsIngestSender(SqsClient sqs, String queueUrl, ObjectMapper json, Clock clock) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void send(String bucket, String key, long size, String eTag, String sequencer) {
        ObjectNode root = json.createObjectNode();
        ObjectNode record = root.putArray("Records").addObject();
        record.put("eventVersion", "2.1");
        record.put("eventSource", "aws:s3");
        record.put("eventTime", clock.instant().toString());
        record.put("eventName", "ObjectCreated:Put");
        ObjectNode s3 = record.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", "sluice-reconciler");
        s3.putObject("bucket").put("name", bucket).put("arn", "arn:aws:s3:::" + bucket);
        ObjectNode object = s3.putObject("object");
        // Keys in S3 notifications are form-encoded ('+' for a space) except for '/'.
        object.put("key", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/"));
        object.put("size", size);
        if (eTag != null) {
            object.put("eTag", eTag);
        }
        object.put("sequencer", sequencer);
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(root.toString()));
    }
}
