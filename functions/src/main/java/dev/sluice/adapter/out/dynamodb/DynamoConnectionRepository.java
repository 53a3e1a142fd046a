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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * WebSocket connections in the single table, beside the runs:
 * <ul>
 *   <li>connection: {@code pk=CONN#id, sk=CONN} with the caller (owner, admin) it was opened by;</li>
 *   <li>subscription: {@code pk=CONN#id, sk=SUB#RUN#runId | SUB#OWNER#owner | SUB#ALL}, in GSI SubscribersByRun
 *       under {@code gsi3pk=SUBS#RUN#runId | SUBS#OWNER#owner | SUBS#ALL}, {@code gsi3sk=CONN#id}; {@code seen}
 *       holds the run state last sent by a snapshot (projected into the index, so the fan-out needs one query).</li>
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
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(pk(connection.connectionId())));
        item.put("sk", s(CONNECTION_SK));
        item.put("connectionId", s(connection.connectionId()));
        item.put("owner", s(connection.caller().owner()));
        item.put("admin", AttributeValue.fromBool(connection.caller().admin()));
        item.put("connectedAt", s(connection.connectedAt().toString()));
        item.put("expiresAt", n(connection.expiresAt().getEpochSecond()));
        dynamo.putItem(b -> b.tableName(table).item(item));
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
                        .keyConditionExpression("pk = :pk").projectionExpression("pk, sk")
                        .expressionAttributeValues(Map.of(":pk", s(pk(connectionId)))))
                .items().forEach(key -> deletes.add(WriteRequest.builder()
                        .deleteRequest(DeleteRequest.builder().key(key).build()).build()));
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
