package dev.sluice.local;

import dev.sluice.local.template.SamTemplate;
import dev.sluice.local.template.Specs;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where each resource of the template lives locally: queue URLs and ARNs, physical names of tables and buckets,
 * and the tables' stream ARNs (known once the streams are enabled).
 */
final class LocalResources {
    private final SamTemplate template;
    private final Supplier<URI> sqsEndpoint;
    private final Map<String, String> streamArns = new LinkedHashMap<>();

    /** @param sqsEndpoint read at each call: the SQS emulator starts after this is built */
    LocalResources(SamTemplate template, Supplier<URI> sqsEndpoint) {
        this.template = template;
        this.sqsEndpoint = sqsEndpoint;
    }

    String queueUrl(String logicalId) {
        Specs.Queue queue = template.queues().get(logicalId);
        if (queue == null) {
            throw new IllegalArgumentException("template has no queue " + logicalId + " (queues: "
                    + template.queues().keySet() + ")");
        }
        return sqsEndpoint.get() + "/" + SamTemplate.ACCOUNT_ID + "/" + queue.name();
    }

    String queueArn(String logicalId) {
        Specs.Queue queue = template.queues().get(logicalId);
        if (queue == null) {
            throw new IllegalArgumentException("template has no queue " + logicalId);
        }
        return "arn:aws:sqs:" + SamTemplate.REGION + ":" + SamTemplate.ACCOUNT_ID + ":" + queue.name();
    }

    String tableName(String logicalId) {
        if (!template.tables().containsKey(logicalId)) {
            throw new IllegalArgumentException("template has no table " + logicalId + " (tables: "
                    + template.tables().keySet() + ")");
        }
        return template.tables().get(logicalId).name();
    }

    String bucketName(String logicalId) {
        if (!template.buckets().containsKey(logicalId)) {
            throw new IllegalArgumentException("template has no bucket " + logicalId + " (buckets: "
                    + template.buckets().keySet() + ")");
        }
        return template.buckets().get(logicalId).name();
    }

    /** The buckets by physical name, as S3 event notifications look them up. */
    Map<String, Specs.Bucket> bucketsByName() {
        Map<String, Specs.Bucket> byName = new LinkedHashMap<>();
        template.buckets().values().forEach(bucket -> byName.put(bucket.name(), bucket));
        return byName;
    }

    void streamArns(Map<String, String> byTableLogicalId) {
        synchronized (streamArns) {
            streamArns.putAll(byTableLogicalId);
        }
    }

    /** The table's current stream (a new one at every start: the emulator keeps no stream records). */
    String streamArn(String tableLogicalId) {
        synchronized (streamArns) {
            String arn = streamArns.get(tableLogicalId);
            if (arn == null) {
                throw new IllegalArgumentException("table " + tableLogicalId + " has no stream (tables with one: "
                        + streamArns.keySet() + ")");
            }
            return arn;
        }
    }
}
