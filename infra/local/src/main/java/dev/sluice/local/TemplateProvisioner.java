package dev.sluice.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.local.template.SamTemplate;
import dev.sluice.local.template.Specs;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jclouds.blobstore.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Reads {@code template.yaml} and creates what it declares on the emulators: queues (with their redrive policies),
 * tables (indexes, streams, TTL) and buckets. Idempotent: a restart finds the queues and buckets it made before.
 */
final class TemplateProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TemplateProvisioner.class);

    private final SamTemplate template;
    private final LocalResources resources;
    private final OptionalInt visibilityTimeoutOverride;

    TemplateProvisioner(SamTemplate template, LocalResources resources, OptionalInt visibilityTimeoutOverride) {
        this.template = template;
        this.resources = resources;
        this.visibilityTimeoutOverride = visibilityTimeoutOverride;
    }

    /**
     * The template named by the options, else one found from the working directory upwards, else the copy in the
     * jar; with the options' parameter overrides (an external database fills DatabaseUrl/DatabaseUser).
     */
    static SamTemplate readTemplate(LocalOptions options) throws IOException {
        Map<String, String> overrides = new LinkedHashMap<>(options.parameters());
        if (options.jdbcUrl().isPresent()) {
            overrides.putIfAbsent("DatabaseUrl", options.jdbcUrl().get());
            options.dbUser().ifPresent(user -> overrides.putIfAbsent("DatabaseUser", user));
        }
        Optional<Path> file = options.template().or(() -> SamTemplate.locate(Path.of("")));
        if (file.isPresent()) {
            return SamTemplate.read(file.get(), overrides);
        }
        try (InputStream in = LocalSluice.class.getResourceAsStream("/sluice/template.yaml")) {
            if (in == null) {
                throw new IllegalStateException(
                        "no template.yaml here or in a parent directory, and none bundled in the jar");
            }
            return SamTemplate.read(new InputStreamReader(in, StandardCharsets.UTF_8), overrides);
        }
    }

    void createQueues(SqsClient sqs) {
        // Dead-letter queues first: a redrive policy must name an existing queue.
        List<Specs.Queue> ordered = new ArrayList<>(template.queues().values());
        ordered.sort(Comparator.comparing((Specs.Queue q) -> q.redrive().isPresent()));
        ObjectMapper json = new ObjectMapper();
        for (Specs.Queue queue : ordered) {
            Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
            attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT,
                    Integer.toString(visibilityTimeoutOverride.orElse(queue.visibilityTimeoutSeconds())));
            attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                    Integer.toString(queue.messageRetentionSeconds()));
            attributes.put(QueueAttributeName.DELAY_SECONDS, Integer.toString(queue.delaySeconds()));
            attributes.put(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS,
                    Integer.toString(queue.receiveMessageWaitSeconds()));
            queue.redrive().ifPresent(redrive -> {
                try {
                    attributes.put(QueueAttributeName.REDRIVE_POLICY, json.writeValueAsString(Map.of(
                            "deadLetterTargetArn", resources.queueArn(redrive.deadLetterQueueLogicalId()),
                            "maxReceiveCount", Integer.toString(redrive.maxReceiveCount()))));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            });
            String url;
            try {
                url = sqs.getQueueUrl(b -> b.queueName(queue.name())).queueUrl();
                sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(attributes));
            } catch (QueueDoesNotExistException e) {
                if (queue.fifo()) {
                    attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
                }
                sqs.createQueue(b -> b.queueName(queue.name()).attributes(attributes));
            }
        }
    }

    /** moto starts empty: the tables come from the template at every start, their items from a restore. */
    void createTables(DynamoDbClient dynamoDb) {
        for (Specs.Table table : template.tables().values()) {
            CreateTableRequest.Builder request = CreateTableRequest.builder()
                    .tableName(table.name())
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(table.attributeTypes().entrySet().stream()
                            .map(a -> AttributeDefinition.builder().attributeName(a.getKey())
                                    .attributeType(a.getValue()).build())
                            .toList())
                    .keySchema(keys(table.keySchema()));
            if (!table.globalSecondaryIndexes().isEmpty()) {
                request.globalSecondaryIndexes(table.globalSecondaryIndexes().stream()
                        .map(i -> GlobalSecondaryIndex.builder().indexName(i.name()).keySchema(keys(i.keySchema()))
                                .projection(projection(i)).build())
                        .toList());
            }
            if (!table.localSecondaryIndexes().isEmpty()) {
                request.localSecondaryIndexes(table.localSecondaryIndexes().stream()
                        .map(i -> LocalSecondaryIndex.builder().indexName(i.name()).keySchema(keys(i.keySchema()))
                                .projection(projection(i)).build())
                        .toList());
            }
            dynamoDb.createTable(request.build());
        }
    }

    /** After the restore, so the restored items do not appear as new stream records. */
    void enableStreamsAndTimeToLive(DynamoDbClient dynamoDb) {
        Map<String, String> streamArns = new LinkedHashMap<>();
        for (Specs.Table table : template.tables().values()) {
            table.streamViewType().ifPresent(view -> streamArns.put(table.logicalId(), dynamoDb.updateTable(b -> b
                    .tableName(table.name())
                    .streamSpecification(StreamSpecification.builder().streamEnabled(true).streamViewType(view)
                            .build()))
                    .tableDescription().latestStreamArn()));
            table.timeToLiveAttribute().ifPresent(attribute -> {
                try {
                    dynamoDb.updateTimeToLive(b -> b.tableName(table.name())
                            .timeToLiveSpecification(t -> t.attributeName(attribute).enabled(true)));
                } catch (RuntimeException e) {
                    LOG.warn("TTL on {} not enabled locally: {}", table.name(), e.toString());
                }
            });
        }
        resources.streamArns(streamArns);
    }

    void createBuckets(BlobStore blobStore) {
        for (Specs.Bucket bucket : template.buckets().values()) {
            if (!blobStore.containerExists(bucket.name())) {
                blobStore.createContainerInLocation(null, bucket.name());
            }
        }
    }

    private static List<KeySchemaElement> keys(List<Specs.KeyElement> elements) {
        return elements.stream()
                .map(k -> KeySchemaElement.builder().attributeName(k.attributeName()).keyType(k.keyType()).build())
                .toList();
    }

    private static Projection projection(Specs.Index index) {
        Projection.Builder projection = Projection.builder().projectionType(index.projectionType());
        if (!index.nonKeyAttributes().isEmpty()) {
            projection.nonKeyAttributes(index.nonKeyAttributes());
        }
        return projection.build();
    }
}
