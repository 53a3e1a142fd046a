package dev.sluice.adapter.out.dynamodb;

import dev.sluice.application.port.ReconcileMarkers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Reconciler markers in the runs table: {@code pk=RECONCILE#bucket/key, sk=ETAG#eTag} with {@code firstSeen} and
 * {@code sentAt}, removed by the table's TTL ({@code expiresAt}) after {@code retention} (longer than the
 * reconciler's look-back, after which it no longer examines the object).
 */
public final class DynamoReconcileMarkers implements ReconcileMarkers {
    /** BatchGetItem reads at most 100 keys per call. */
    private static final int MAX_BATCH_GET = 100;
    private static final int MAX_ATTEMPTS = 8;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration retention;
    private final Clock clock;

    public DynamoReconcileMarkers(DynamoDbClient dynamo, String table, Duration retention, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public Map<ObjectRef, Marker> find(Collection<ObjectRef> objects) {
        Map<Map<String, AttributeValue>, ObjectRef> byKey = new HashMap<>();
        objects.forEach(object -> byKey.put(key(object), object));
        List<Map<String, AttributeValue>> keys = new ArrayList<>(byKey.keySet());
        Map<ObjectRef, Marker> found = new HashMap<>();
        for (int from = 0; from < keys.size(); from += MAX_BATCH_GET) {
            Map<String, KeysAndAttributes> pending = Map.of(table, KeysAndAttributes.builder()
                    .keys(keys.subList(from, Math.min(keys.size(), from + MAX_BATCH_GET))).consistentRead(true)
                    .build());
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                if (attempt > MAX_ATTEMPTS) {
                    throw new IllegalStateException("DynamoDB did not return reconciler markers after " + MAX_ATTEMPTS
                            + " attempts");
                }
                Map<String, KeysAndAttributes> request = pending;
                BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(request));
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                    ObjectRef object = byKey.get(Map.of("pk", item.get("pk"), "sk", item.get("sk")));
                    if (object != null) {
                        found.put(object, new Marker(instant(item.get("firstSeen")), instant(item.get("sentAt"))));
                    }
                }
                pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
                if (!pending.isEmpty()) {
                    pause(attempt);
                }
            }
        }
        return found;
    }

    @Override
    public void deferred(ObjectRef object, Instant at) {
        dynamo.updateItem(b -> b.tableName(table).key(key(object))
                .updateExpression("SET firstSeen = if_not_exists(firstSeen, :at), expiresAt = :expires")
                .expressionAttributeValues(Map.of(":at", AttributeValue.fromS(at.toString()),
                        ":expires", expires())));
    }

    @Override
    public void sent(ObjectRef object, Instant at) {
        dynamo.updateItem(b -> b.tableName(table).key(key(object))
                .updateExpression("SET sentAt = :at, expiresAt = :expires")
                .expressionAttributeValues(Map.of(":at", AttributeValue.fromS(at.toString()),
                        ":expires", expires())));
    }

    private AttributeValue expires() {
        return AttributeValue.fromN(Long.toString(clock.instant().plus(retention).getEpochSecond()));
    }

    private static Map<String, AttributeValue> key(ObjectRef object) {
        return Map.of("pk", AttributeValue.fromS("RECONCILE#" + object.bucket() + "/" + object.key()),
                "sk", AttributeValue.fromS("ETAG#" + (object.eTag() == null ? "" : object.eTag())));
    }

    private static Instant instant(AttributeValue value) {
        return value == null || value.s() == null ? null : Instant.parse(value.s());
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(1_000, 25L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a DynamoDB batch", e);
        }
    }
}
