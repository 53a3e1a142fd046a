package dev.sluice.local.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.local.emulator.ObjectCreatedListener;
import dev.sluice.local.template.Specs;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Sends S3 event notifications (the JSON S3 itself sends to SQS) for objects created in the emulator, to the
 * queues of the bucket's NotificationConfiguration whose event and key filters match.
 */
public final class S3EventNotifications implements ObjectCreatedListener {
    private static final Logger LOG = LoggerFactory.getLogger(S3EventNotifications.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** Local stand-in for the account's canonical owner id. */
    public static final String OWNER_ID = "SLUICELOCALOWNER";

    private final Map<String, Specs.Bucket> bucketsByName;
    private final Function<String, String> queueUrlOfLogicalId;
    private final Supplier<SqsClient> sqs;
    /** S3's sequencer orders events for one key; a process-wide increasing counter satisfies that. */
    private final AtomicLong sequencer = new AtomicLong(System.currentTimeMillis() * 1000);

    public S3EventNotifications(Map<String, Specs.Bucket> bucketsByName, Function<String, String> queueUrlOfLogicalId,
            Supplier<SqsClient> sqs) {
        this.bucketsByName = Map.copyOf(bucketsByName);
        this.queueUrlOfLogicalId = queueUrlOfLogicalId;
        this.sqs = sqs;
    }

    @Override
    public void objectCreated(String bucket, String key, long size, String eTag, String eventName) {
        Specs.Bucket spec = bucketsByName.get(bucket);
        if (spec == null) {
            return;
        }
        List<Specs.QueueNotification> targets = spec.queueNotifications().stream()
                .filter(n -> n.matches(eventName, key)).toList();
        if (targets.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        String sequence = String.format(Locale.ROOT, "%018X", sequencer.incrementAndGet());
        for (Specs.QueueNotification target : targets) {
            String body = event(bucket, key, size, eTag, eventName, target.configurationId(), now, sequence);
            try {
                sqs.get().sendMessage(b -> b.queueUrl(queueUrlOfLogicalId.apply(target.queueLogicalId()))
                        .messageBody(body));
            } catch (RuntimeException e) {
                // Real S3 retries delivery; losing the event here would strand the upload, so say so loudly.
                LOG.error("could not send S3 event for s3://{}/{} to {}: {}", bucket, key, target.queueLogicalId(),
                        e.toString());
            }
        }
    }

    /** Object keys in S3 events are URL-encoded (form encoding: '+' for space) except for '/'. */
    public static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    public static String event(String bucket, String key, long size, String eTag, String eventName,
            String configurationId, Instant time, String sequencer) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode records = root.putArray("Records");
        ObjectNode record = records.addObject();
        record.put("eventVersion", "2.1");
        record.put("eventSource", "aws:s3");
        record.put("awsRegion", "us-east-1");
        record.put("eventTime", EVENT_TIME.format(time));
        record.put("eventName", eventName);
        record.putObject("userIdentity").put("principalId", "AWS:" + OWNER_ID);
        record.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
        String requestId = UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
        record.putObject("responseElements")
                .put("x-amz-request-id", requestId)
                .put("x-amz-id-2", UUID.randomUUID().toString());
        ObjectNode s3 = record.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", configurationId);
        ObjectNode bucketNode = s3.putObject("bucket");
        bucketNode.put("name", bucket);
        bucketNode.putObject("ownerIdentity").put("principalId", OWNER_ID);
        bucketNode.put("arn", "arn:aws:s3:::" + bucket);
        ObjectNode object = s3.putObject("object");
        object.put("key", encodeKey(key));
        object.put("size", size);
        if (eTag != null) {
            object.put("eTag", eTag);
        }
        object.put("sequencer", sequencer);
        return root.toString();
    }
}
