package dev.sluice.local.template;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the local runtime needs to know about each template resource, with local defaults applied. */
public final class Specs {
    private Specs() {
    }

    public record Parameter(String name, String type, Optional<String> defaultValue) {
    }

    /** An {@code AWS::SQS::Queue}. Defaults are SQS's: 30 s visibility, 4 days retention. */
    public record Queue(String logicalId, String name, int visibilityTimeoutSeconds, int messageRetentionSeconds,
            int delaySeconds, int receiveMessageWaitSeconds, boolean fifo, Optional<Redrive> redrive) {
    }

    public record Redrive(String deadLetterQueueLogicalId, int maxReceiveCount) {
    }

    /** An {@code AWS::DynamoDB::Table}. */
    public record Table(String logicalId, String name, Map<String, String> attributeTypes, List<KeyElement> keySchema,
            List<Index> globalSecondaryIndexes, List<Index> localSecondaryIndexes, Optional<String> streamViewType,
            Optional<String> timeToLiveAttribute) {
    }

    public record KeyElement(String attributeName, String keyType) {
    }

    public record Index(String name, List<KeyElement> keySchema, String projectionType, List<String> nonKeyAttributes) {
    }

    /** An {@code AWS::S3::Bucket} and the queues its NotificationConfiguration sends ObjectCreated events to. */
    public record Bucket(String logicalId, String name, List<QueueNotification> queueNotifications) {
    }

    /** One QueueConfiguration: event pattern (e.g. {@code s3:ObjectCreated:*}) and key filter. */
    public record QueueNotification(String configurationId, String event, String queueLogicalId, String prefix,
            String suffix) {
        public boolean matches(String eventName, String key) {
            return eventMatches(eventName) && key.startsWith(prefix) && key.endsWith(suffix);
        }

        /** {@code eventName} is e.g. {@code ObjectCreated:Put}; the configured event {@code s3:ObjectCreated:*}. */
        public boolean eventMatches(String eventName) {
            String wanted = event.startsWith("s3:") ? event.substring(3) : event;
            if (wanted.endsWith("*")) {
                return eventName.startsWith(wanted.substring(0, wanted.length() - 1));
            }
            return wanted.equals(eventName);
        }
    }

    /** An {@code AWS::Serverless::Function} merged with {@code Globals.Function}. */
    public record Function(String logicalId, String handlerClass, String handlerMethod, int timeoutSeconds,
            int memorySizeMb, Map<String, Object> environment, List<SqsEvent> sqsEvents,
            List<HttpApiEvent> httpApiEvents) {
    }

    /**
     * An event source mapping from a queue. Lambda's defaults: BatchSize 10; without ScalingConfig the
     * concurrency is not bounded by the mapping.
     */
    public record SqsEvent(String name, String queueLogicalId, int batchSize, boolean reportBatchItemFailures,
            Optional<Integer> maximumConcurrency, boolean enabled) {
    }

    public record HttpApiEvent(String name, String path, String method) {
    }
}
