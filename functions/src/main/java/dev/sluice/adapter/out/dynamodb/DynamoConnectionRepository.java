package dev.sluice.adapter.out.dynamodb;

import dev.sluice.adapter.wire.RunProgressItems;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.ConnectionRepository;
import dev.sluice.domain.progress.RunProgress;
import dev.sluice.domain.progress.Topic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * WebSocket connections in the single table, beside the runs:
 * <ul>
 *   <li>connection: {@code pk=CONN#id, sk=CONN} with the caller (owner, admin) it was opened by;</li>
 *   <li>subscription: {@code pk=CONN#id, sk=SUB#RUN#runId | SUB#OWNER#owner | SUB#ALL}, in GSI SubscribersByRun
 *       under {@code gsi3pk=SUBS#RUN#runId | SUBS#OWNER#owner | SUBS#ALL}, {@code gsi3sk=CONN#id}; {@code seen}
 *       holds the run state last sent by a snapshot (projected into the index, so the fan-out needs one query).</li>
 * </ul>
 * <ul>
 *   <li>connection slot: {@code pk=CONNS#owner, sk=SLOT#n} ({@code n} from 1 to the per-owner maximum) naming the
 *       connection that holds it. A connection is saved only together with a slot it claimed by a conditional
 *       write (free, or expired), in one transaction, so an owner never holds more connections than slots, however
 *       many $connects race: two claims of one slot cannot both succeed.</li>
 * </ul>
 * Every item carries {@code expiresAt} (epoch seconds, the table's TTL attribute): API Gateway closes a connection
 * after 2 hours at most and a lost $disconnect must not leave items forever. One partition per connection makes
 * $disconnect one query and a batch delete.
 */
public final class DynamoConnectionRepository implements ConnectionRepository {
    static final String INDEX = "SubscribersByRun";
    private static final String CONNECTION_SK = "CONN";
    /** BatchWriteItem takes at most 25 requests. */
    private static final int BATCH = 25;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoConnectionRepository(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void save(Connection connection) {
        dynamo.putItem(b -> b.tableName(table).item(connectionItem(connection)));
    }

    @Override
    public boolean saveWithinLimit(Connection connection, int maxPerOwner) {
        String owner = connection.caller().owner();
        long now = Instant.now().getEpochSecond();
        // One read to skip slots known to be taken; the conditional claim below is what guarantees the bound.
        Set<String> taken = new TreeSet<>();
        dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(slotPk(owner)))))
                .items().forEach(item -> {
                    AttributeValue expires = item.get("expiresAt");
                    if (expires == null || Long.parseLong(expires.n()) >= now) {
                        taken.add(item.get("sk").s());
                    }
                });
        for (int slot = 1; slot <= maxPerOwner; slot++) {
            String slotSk = slotSk(slot);
            if (!taken.contains(slotSk) && claim(connection, slotSk, now)) {
                return true;
            }
        }
        return false;
    }

    /** Claims the slot if it is free or its holder expired, and saves the connection with it; false if taken. */
    private boolean claim(Connection connection, String slotSk, long now) {
        Map<String, AttributeValue> slot = new HashMap<>();
        slot.put("pk", s(slotPk(connection.caller().owner())));
        slot.put("sk", s(slotSk));
        slot.put("connectionId", s(connection.connectionId()));
        slot.put("expiresAt", n(connection.expiresAt().getEpochSecond()));
        Map<String, AttributeValue> item = connectionItem(connection);
        item.put("slot", s(slotSk));
        try {
            dynamo.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(slot)
                            .conditionExpression("attribute_not_exists(pk) OR expiresAt < :now")
                            .expressionAttributeValues(Map.of(":now", n(now)))).build(),
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(item)).build()));
            return true;
        } catch (TransactionCanceledException e) {
            boolean slotTaken = e.hasCancellationReasons() && e.cancellationReasons().stream()
                    .anyMatch(reason -> "ConditionalCheckFailed".equals(reason.code()));
            if (!slotTaken) {
                throw e;
            }
            return false;
        }
    }

    private static Map<String, AttributeValue> connectionItem(Connection connection) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(pk(connection.connectionId())));
        item.put("sk", s(CONNECTION_SK));
        item.put("connectionId", s(connection.connectionId()));
        item.put("owner", s(connection.caller().owner()));
        item.put("admin", AttributeValue.fromBool(connection.caller().admin()));
        item.put("connectedAt", s(connection.connectedAt().toString()));
        item.put("expiresAt", n(connection.expiresAt().getEpochSecond()));
        return item;
    }

    @Override
    public Optional<Connection> find(String connectionId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(pk(connectionId)), "sk", s(CONNECTION_SK)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(item.get("expiresAt").n()));
        // TTL deletion runs up to days late; an expired item is already gone for us.
        if (expiresAt.isBefore(Instant.now())) {
            return Optional.empty();
        }
        return Optional.of(new Connection(connectionId, new Caller(item.get("owner").s(),
                Boolean.TRUE.equals(item.get("admin").bool())), Instant.parse(item.get("connectedAt").s()), expiresAt));
    }

    @Override
    public void delete(String connectionId) {
        List<WriteRequest> deletes = new ArrayList<>();
        dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk").projectionExpression("pk, sk, #owner, #slot")
                        .expressionAttributeNames(Map.of("#owner", "owner", "#slot", "slot"))
                        .expressionAttributeValues(Map.of(":pk", s(pk(connectionId)))))
                .items().forEach(item -> {
                    if (item.containsKey("owner") && item.containsKey("slot")) {
                        releaseSlot(connectionId, item.get("owner").s(), item.get("slot").s());
                    }
                    deletes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                            .key(Map.of("pk", item.get("pk"), "sk", item.get("sk"))).build()).build());
                });
        for (int from = 0; from < deletes.size(); from += BATCH) {
            List<WriteRequest> batch = deletes.subList(from, Math.min(deletes.size(), from + BATCH));
            Map<String, List<WriteRequest>> pending = Map.of(table, batch);
            for (int attempt = 0; !pending.isEmpty() && attempt < 5; attempt++) {
                Map<String, List<WriteRequest>> request = pending;
                BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(request));
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            }
        }
    }

    /** Frees the slot unless another connection has claimed it since (after this one expired). */
    private void releaseSlot(String connectionId, String owner, String slotSk) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", s(slotPk(owner)), "sk", s(slotSk)))
                    .conditionExpression("connectionId = :id")
                    .expressionAttributeValues(Map.of(":id", s(connectionId))));
        } catch (ConditionalCheckFailedException alreadyReclaimed) {
            // Nothing to free: the slot belongs to a newer connection now.
        }
    }

    @Override
    public void subscribe(String connectionId, Topic topic, Optional<RunProgress> seen,
            Instant expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(pk(connectionId)));
        item.put("sk", s("SUB#" + topicKey(topic)));
        item.put("gsi3pk", s("SUBS#" + topicKey(topic)));
        item.put("gsi3sk", s(pk(connectionId)));
        item.put("expiresAt", n(expiresAt.getEpochSecond()));
        seen.ifPresent(state -> item.put("seen", AttributeValue.fromM(RunProgressItems.toAttributes(state))));
        dynamo.putItem(b -> b.tableName(table).item(item));
        if (topic.kind() == Topic.Kind.RUN) {
            markWatched(topic.key(), expiresAt);
        }
    }

    /**
     * Sets the run item's {@code watchedUntil} (epoch seconds), never lowering it, and never creating a run item
     * that is not there. The write is itself a change of the run, so its stream record also carries any progress
     * made between the snapshot the subscriber was sent and this mark.
     */
    private void markWatched(String runId, Instant until) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(DynamoRunRepository.runKey(runId))
                    .updateExpression("SET #watchedUntil = :until")
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(#watchedUntil) "
                            + "OR #watchedUntil < :until)")
                    .expressionAttributeNames(Map.of("#watchedUntil", RunProgressItems.WATCHED_UNTIL))
                    .expressionAttributeValues(Map.of(":until", n(until.getEpochSecond()))));
        } catch (ConditionalCheckFailedException markedLongerOrGone) {
            // Watched at least as long already, or the run was deleted: nothing to mark.
        }
    }

    @Override
    public void unsubscribe(String connectionId, Topic topic) {
        dynamo.deleteItem(b -> b.tableName(table)
                .key(Map.of("pk", s(pk(connectionId)), "sk", s("SUB#" + topicKey(topic)))));
    }

    @Override
    public List<Subscriber> subscribers(Topic topic) {
        List<Subscriber> subscribers = new ArrayList<>();
        long now = Instant.now().getEpochSecond();
        dynamo.queryPaginator(b -> b.tableName(table).indexName(INDEX)
                        .keyConditionExpression("gsi3pk = :topic")
                        .expressionAttributeValues(Map.of(":topic", s("SUBS#" + topicKey(topic)))))
                .items().forEach(item -> {
                    AttributeValue expires = item.get("expiresAt");
                    if (expires != null && Long.parseLong(expires.n()) < now) {
                        return;
                    }
                    String connectionId = item.get("gsi3sk").s().substring("CONN#".length());
                    AttributeValue seen = item.get("seen");
                    subscribers.add(new Subscriber(connectionId, seen == null || !seen.hasM() ? Optional.empty()
                            : Optional.of(RunProgressItems.fromItem(seen.m()))));
                });
        return subscribers;
    }

    private static String pk(String connectionId) {
        return "CONN#" + connectionId;
    }

    private static String slotPk(String owner) {
        return "CONNS#" + owner;
    }

    /** Zero-padded so the slots of an owner sort in order. */
    private static String slotSk(int slot) {
        return String.format("SLOT#%03d", slot);
    }

    private static String topicKey(Topic topic) {
        return switch (topic.kind()) {
            case RUN -> "RUN#" + topic.key();
            case OWNER -> "OWNER#" + topic.key();
            case ALL -> "ALL";
        };
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
