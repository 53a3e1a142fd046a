package dev.sluice.adapter.out.dynamodb;

import dev.sluice.application.port.RunRepository;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.Run.DeadChunk;
import dev.sluice.domain.run.Run.FileFacts;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Run state in the single table. Item layout:
 * <ul>
 *   <li>run: {@code pk=RUN#id, sk=RUN}; GSI RunsByOwner ({@code gsi1pk=OWNER#owner, gsi1sk=createdAt#id}),
 *       GSI RunsByStatus ({@code gsi2pk=STATUS#status, gsi2sk=updatedAt});</li>
 *   <li>counted chunk marker: {@code pk=RUN#id, sk=CHUNK#00000042} — written in the same transaction as the
 *       counter update, so a chunk is counted once however often it is delivered;</li>
 *   <li>last failure of a chunk: {@code pk=RUN#id, sk=CHUNKFAIL#00000042}.</li>
 * </ul>
 * {@code chunksOutstanding} is decremented by each counted chunk and incremented by the chunk total when the
 * splitter finishes, so it reaches 0 exactly when every chunk is counted, whichever happens last.
 */
public final class DynamoRunRepository implements RunRepository {
    private static final String RUN_SK = "RUN";
    private static final Pattern PLACEHOLDER = Pattern.compile("#\\w+");

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoRunRepository(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public boolean create(Run run) {
        Map<String, AttributeValue> item = RunItems.toItem(run);
        try {
            dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Optional<Run> find(String runId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(runKey(runId)).consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(RunItems.fromItem(item));
    }

    @Override
    public List<Run> listByOwner(String owner, int limit) {
        List<Run> runs = new ArrayList<>();
        dynamo.query(b -> b.tableName(table).indexName("RunsByOwner")
                        .keyConditionExpression("gsi1pk = :owner")
                        .expressionAttributeValues(Map.of(":owner", s("OWNER#" + owner)))
                        .scanIndexForward(false).limit(limit))
                .items().forEach(item -> runs.add(RunItems.fromItem(item)));
        return runs;
    }

    @Override
    public Optional<Run> startSplitting(String runId) {
        return conditionalUpdateReturningRun(runId,
                "SET #status = :splitting, #gsi2pk = :statusKey, #updatedAt = :now, #gsi2sk = :now",
                "#status IN (:created, :received, :splitting)",
                Map.of(":splitting", s(RunStatus.SPLITTING.name()), ":statusKey", s("STATUS#SPLITTING"),
                        ":created", s(RunStatus.CREATED.name()), ":received", s(RunStatus.RECEIVED.name()),
                        ":now", s(now())));
    }

    @Override
    public void recordFileFacts(String runId, FileFacts facts) {
        conditionalUpdate(runId, "SET #fileFacts = :facts, #updatedAt = :now", "attribute_exists(pk)",
                Map.of(":facts", RunItems.factsValue(facts), ":now", s(now())));
    }

    @Override
    public void recordSplitProgress(String runId, long recordsPlanned, int chunksPlanned) {
        conditionalUpdate(runId, "SET #records = :records, #chunksPlanned = :chunks, #updatedAt = :now",
                "#status = :splitting AND (attribute_not_exists(#chunksPlanned) OR #chunksPlanned < :chunks)",
                Map.of(":records", n(recordsPlanned), ":chunks", n(chunksPlanned),
                        ":splitting", s(RunStatus.SPLITTING.name()), ":now", s(now())));
    }

    @Override
    public boolean finishSplitting(String runId, long records, int chunks) {
        return conditionalUpdate(runId,
                "SET #status = :loading, #gsi2pk = :statusKey, #records = :records, #chunksTotal = :chunks, "
                        + "#chunksPlanned = :chunks, #updatedAt = :now, #gsi2sk = :now ADD #chunksOutstanding :chunks",
                "#status = :splitting",
                Map.of(":loading", s(RunStatus.LOADING.name()), ":statusKey", s("STATUS#LOADING"),
                        ":records", n(records), ":chunks", n(chunks), ":splitting", s(RunStatus.SPLITTING.name()),
                        ":now", s(now())));
    }

    @Override
    public boolean fail(String runId, String code, String message) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":failed", s(RunStatus.FAILED.name()));
        values.put(":statusKey", s("STATUS#FAILED"));
        values.put(":code", s(code));
        values.put(":message", s(message));
        values.put(":now", s(now()));
        StringBuilder condition = new StringBuilder("attribute_exists(pk) AND NOT #status IN (");
        int i = 0;
        for (RunStatus status : RunStatus.values()) {
            if (status.isFinal()) {
                String name = ":final" + i++;
                values.put(name, s(status.name()));
                condition.append(i > 1 ? ", " : "").append(name);
            }
        }
        condition.append(')');
        return conditionalUpdate(runId,
                "SET #status = :failed, #gsi2pk = :statusKey, #failureCode = :code, #failureMessage = :message, "
                        + "updatedAt = :now, gsi2sk = :now, finishedAt = :now",
                condition.toString(), values);
    }

    @Override
    public boolean countChunk(String runId, int chunkNo, int stored, int rejected) {
        return countOnce(runId, chunkNo, "loaded",
                "SET #updatedAt = :now ADD #stored :stored, #errors :rejected, #chunksDone :one, #chunksOutstanding :minusOne",
                Map.of(":stored", n(stored), ":rejected", n(rejected), ":one", n(1), ":minusOne", n(-1),
                        ":now", s(now())));
    }

    @Override
    public boolean countDeadChunk(String runId, DeadChunk deadChunk) {
        return countOnce(runId, deadChunk.chunkNo(), "dead",
                "SET #updatedAt = :now, #deadChunks = list_append(if_not_exists(#deadChunks, :empty), :dead) "
                        + "ADD #errors :rejected, #chunksDead :one, #chunksOutstanding :minusOne",
                Map.of(":rejected", n(deadChunk.recordCount()), ":one", n(1), ":minusOne", n(-1),
                        ":now", s(now()), ":empty", AttributeValue.fromL(List.of()),
                        ":dead", AttributeValue.fromL(List.of(RunItems.deadChunkValue(deadChunk)))));
    }

    private boolean countOnce(String runId, int chunkNo, String outcome, String update,
            Map<String, AttributeValue> values) {
        Map<String, AttributeValue> marker = new HashMap<>();
        marker.put("pk", s("RUN#" + runId));
        marker.put("sk", s(chunkSortKey("CHUNK#", chunkNo)));
        marker.put("outcome", s(outcome));
        marker.put("countedAt", s(now()));
        try {
            dynamo.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(marker)
                            .conditionExpression("attribute_not_exists(pk)").build()).build(),
                    TransactWriteItem.builder().update(Update.builder().tableName(table).key(runKey(runId))
                            .updateExpression(update).conditionExpression("attribute_exists(pk)")
                            .expressionAttributeNames(attributeNames(update))
                            .expressionAttributeValues(values).build()).build()));
            return true;
        } catch (TransactionCanceledException e) {
            boolean alreadyCounted = !e.cancellationReasons().isEmpty()
                    && "ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code());
            if (alreadyCounted) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void recordChunkFailure(String runId, int chunkNo, String reason) {
        dynamo.updateItem(b -> b.tableName(table)
                .key(Map.of("pk", s("RUN#" + runId), "sk", s(chunkSortKey("CHUNKFAIL#", chunkNo))))
                .updateExpression("SET #lastError = :reason, #updatedAt = :now ADD #attempts :one")
                .expressionAttributeNames(attributeNames("#lastError #updatedAt #attempts"))
                .expressionAttributeValues(Map.of(":reason", s(truncate(reason, 1000)), ":now", s(now()),
                        ":one", n(1))));
    }

    @Override
    public Optional<String> lastChunkFailure(String runId, int chunkNo) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", s("RUN#" + runId), "sk", s(chunkSortKey("CHUNKFAIL#", chunkNo))))).item();
        if (item == null || !item.containsKey("lastError")) {
            return Optional.empty();
        }
        String attempts = item.containsKey("attempts") ? item.get("attempts").n() : "?";
        return Optional.of(item.get("lastError").s() + " (after " + attempts + " attempts)");
    }

    @Override
    public Optional<RunStatus> finishIfComplete(String runId) {
        Optional<Run> found = find(runId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Run run = found.get();
        if (run.status() != RunStatus.LOADING || run.chunksTotal() == null
                || run.chunksDone() + run.chunksDead() < run.chunksTotal()) {
            return Optional.empty();
        }
        // Once every chunk is counted the counters cannot change any more, so the status read here is final.
        RunStatus outcome = run.errors() > 0 || run.chunksDead() > 0 ? RunStatus.PARTIAL : RunStatus.SUCCEEDED;
        boolean changed = conditionalUpdate(runId,
                "SET #status = :final, #gsi2pk = :statusKey, #updatedAt = :now, #gsi2sk = :now, #finishedAt = :now",
                "#status = :loading AND #chunksOutstanding = :zero",
                Map.of(":final", s(outcome.name()), ":statusKey", s("STATUS#" + outcome.name()),
                        ":loading", s(RunStatus.LOADING.name()), ":zero", n(0), ":now", s(now())));
        return changed ? Optional.of(outcome) : Optional.empty();
    }

    private boolean conditionalUpdate(String runId, String update, String condition,
            Map<String, AttributeValue> values) {
        return update(runId, update, condition, values, ReturnValue.NONE).isPresent();
    }

    /** The run as the update left it, in the same round trip, or empty when the condition failed. */
    private Optional<Run> conditionalUpdateReturningRun(String runId, String update, String condition,
            Map<String, AttributeValue> values) {
        return update(runId, update, condition, values, ReturnValue.ALL_NEW).map(RunItems::fromItem);
    }

    private Optional<Map<String, AttributeValue>> update(String runId, String update, String condition,
            Map<String, AttributeValue> values, ReturnValue returnValue) {
        Map<String, String> names = attributeNames(update + " " + condition);
        try {
            UpdateItemRequest.Builder request = UpdateItemRequest.builder().tableName(table).key(runKey(runId))
                    .updateExpression(update).conditionExpression(condition).expressionAttributeValues(values)
                    .returnValues(returnValue);
            if (!names.isEmpty()) {
                request.expressionAttributeNames(names);
            }
            Map<String, AttributeValue> attributes = dynamo.updateItem(request.build()).attributes();
            return Optional.of(attributes == null ? Map.of() : attributes);
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /** Every attribute is named through #placeholders: several of ours (records, stored, errors) are reserved words. */
    private static Map<String, String> attributeNames(String expression) {
        Map<String, String> names = new LinkedHashMap<>();
        Matcher matcher = PLACEHOLDER.matcher(expression);
        while (matcher.find()) {
            names.put(matcher.group(), matcher.group().substring(1));
        }
        return names;
    }

    private String now() {
        return Instant.now(clock).toString();
    }

    static Map<String, AttributeValue> runKey(String runId) {
        return Map.of("pk", s("RUN#" + runId), "sk", s(RUN_SK));
    }

    private static String chunkSortKey(String prefix, int chunkNo) {
        return prefix + String.format("%08d", chunkNo);
    }

    private static String truncate(String value, int max) {
        return value == null ? "" : value.length() <= max ? value : value.substring(0, max) + "...";
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
