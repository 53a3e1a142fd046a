package dev.sluice.adapter.out.dynamodb;

import dev.sluice.application.port.SourceRepository;
import dev.sluice.domain.source.Checkpoint;
import dev.sluice.domain.source.Pagination;
import dev.sluice.domain.source.Pull;
import dev.sluice.domain.source.PullStatus;
import dev.sluice.domain.source.Schedule;
import dev.sluice.domain.source.Source;
import dev.sluice.domain.source.SourceKind;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Sources and their pulls in SourcesTable: a source is item {@code pk = SOURCE#id, sk = SOURCE}, each pull
 * {@code pk = SOURCE#id, sk = PULL#pullId} (pull ids start with their UTC time, so a descending query lists the
 * newest first). GSI SourcesByDataset ({@code datasetId}, {@code createdKey}) holds only source items. The one-pull-
 * at-a-time rule is a conditional update of the source's {@code activePull}; a checkpoint advances in one transaction
 * with its pull's LOADING → DONE, conditional on LOADING, so a repeated publish notification advances nothing twice.
 */
public final class DynamoSourceRepository implements SourceRepository {
    static final String BY_DATASET = "SourcesByDataset";
    private static final String SOURCE = "SOURCE";
    private static final String PULL = "PULL#";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoSourceRepository(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(String sourceId, String sk) {
        return Map.of("pk", s("SOURCE#" + sourceId), "sk", s(sk));
    }

    @Override
    public void create(Source source) {
        dynamo.putItem(b -> b.tableName(table).item(toItem(source)).conditionExpression("attribute_not_exists(pk)"));
    }

    @Override
    public Optional<Source> find(String sourceId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key(sourceId, SOURCE))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    @Override
    public List<Source> listByDataset(String datasetId) {
        List<Source> sources = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(b -> b.tableName(table).indexName(BY_DATASET)
                    .keyConditionExpression("datasetId = :d").expressionAttributeValues(Map.of(":d", s(datasetId)))
                    .exclusiveStartKey(from));
            page.items().forEach(item -> sources.add(fromItem(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return sources;
    }

    @Override
    public List<Source> listScheduled() {
        List<Source> sources = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamo.scan(b -> b.tableName(table).filterExpression("sk = :s AND attribute_exists(schedule)")
                    .expressionAttributeValues(Map.of(":s", s(SOURCE))).exclusiveStartKey(from));
            page.items().forEach(item -> sources.add(fromItem(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return sources;
    }

    @Override
    public void updateSettings(Source source) {
        Source current = find(source.id()).orElse(null);
        if (current == null) {
            return;
        }
        Map<String, AttributeValue> item = toItem(source.withCheckpoint(current.checkpoint())
                .withActivePull(current.activePull()));
        // Only the settings change: a pull that advanced the checkpoint in between is not undone.
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        StringBuilder set = new StringBuilder();
        StringBuilder remove = new StringBuilder();
        Map<String, String> names = new HashMap<>();
        int i = 0;
        for (String attribute : List.of("url", "schedule", "timezone", "enabled", "cursorField", "recordsPath",
                "pagingType", "pagingParam", "pagingStart", "pagingNextPath", "pagingMaxPages", "since",
                "headerNames", "secretRef", "updatedAt")) {
            names.put("#a" + i, attribute);
            if (item.containsKey(attribute)) {
                set.append(set.isEmpty() ? "SET " : ", ").append("#a").append(i).append(" = :v").append(i);
                values.put(":v" + i, item.get(attribute));
            } else {
                remove.append(remove.isEmpty() ? " REMOVE " : ", ").append("#a").append(i);
            }
            i++;
        }
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key(source.id(), SOURCE))
                    .updateExpression(set + remove.toString()).expressionAttributeNames(names)
                    .expressionAttributeValues(values).conditionExpression("attribute_exists(pk)"));
        } catch (ConditionalCheckFailedException e) {
            // deleted meanwhile: nothing to update
        }
    }

    @Override
    public void delete(String sourceId) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                    .expressionAttributeValues(Map.of(":p", s("SOURCE#" + sourceId)))
                    .projectionExpression("pk, sk").exclusiveStartKey(from));
            page.items().forEach(item -> dynamo.deleteItem(b -> b.tableName(table).key(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    @Override
    public boolean claim(String sourceId, String pullId, String expectedActive) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":p", s(pullId));
        String condition = "attribute_exists(pk) AND attribute_not_exists(activePull)";
        if (expectedActive != null) {
            condition = "attribute_exists(pk) AND (attribute_not_exists(activePull) OR activePull = :e)";
            values.put(":e", s(expectedActive));
        }
        String check = condition;
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key(sourceId, SOURCE)).updateExpression("SET activePull = :p")
                    .conditionExpression(check).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void release(String sourceId, String pullId) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key(sourceId, SOURCE)).updateExpression("REMOVE activePull")
                    .conditionExpression("activePull = :p").expressionAttributeValues(Map.of(":p", s(pullId))));
        } catch (ConditionalCheckFailedException e) {
            // another pull holds it (or none does): nothing to free
        }
    }

    @Override
    public void savePull(Pull pull) {
        dynamo.putItem(b -> b.tableName(table).item(toItem(pull)));
    }

    @Override
    public Optional<Pull> findPull(String sourceId, String pullId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key(sourceId, PULL + pullId))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(pullFromItem(item));
    }

    @Override
    public PullPage pulls(String sourceId, int limit, String after) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":p", s("SOURCE#" + sourceId));
        values.put(":prefix", s(PULL));
        String condition = "pk = :p AND begins_with(sk, :prefix)";
        if (after != null) {
            condition = "pk = :p AND sk BETWEEN :prefix AND :before";
            values.put(":before", s(PULL + after)); // inclusive: the pull itself is skipped below
        }
        String keyCondition = condition;
        List<Pull> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(b -> b.tableName(table).keyConditionExpression(keyCondition)
                    .expressionAttributeValues(values).scanIndexForward(false).limit(limit + 1)
                    .consistentRead(true).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                Pull pull = pullFromItem(item);
                if (after == null || pull.pullId().compareTo(after) < 0) {
                    items.add(pull);
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && items.size() <= limit);
        boolean more = items.size() > limit;
        List<Pull> pageItems = more ? items.subList(0, limit) : items;
        return new PullPage(List.copyOf(pageItems), more ? pageItems.get(pageItems.size() - 1).pullId() : null);
    }

    @Override
    public boolean advance(Pull done, Checkpoint checkpoint) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":c", checkpoint(checkpoint));
        values.put(":p", s(done.pullId()));
        try {
            TransactWriteItem pull = TransactWriteItem.builder().put(p -> p.tableName(table).item(toItem(done))
                    .conditionExpression("#s = :loading").expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":loading", s(PullStatus.LOADING.name())))).build();
            TransactWriteItem source = TransactWriteItem.builder().update(u -> u.tableName(table)
                    .key(key(done.sourceId(), SOURCE)).updateExpression("SET checkpoint = :c REMOVE activePull")
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(activePull) "
                            + "OR activePull = :p)")
                    .expressionAttributeValues(values)).build();
            dynamo.transactWriteItems(b -> b.transactItems(List.of(pull, source)));
            return true;
        } catch (TransactionCanceledException e) {
            return false;
        }
    }

    // ---- items

    private static Map<String, AttributeValue> toItem(Source source) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(key(source.id(), SOURCE));
        item.put("id", s(source.id()));
        item.put("datasetId", s(source.datasetId()));
        item.put("owner", s(source.owner()));
        item.put("kind", s(source.kind().wireName()));
        item.put("url", s(source.url()));
        if (source.schedule() != null) {
            item.put("schedule", s(source.schedule().expression()));
            item.put("timezone", s(source.schedule().timezone().getId()));
        }
        item.put("enabled", AttributeValue.fromBool(source.enabled()));
        put(item, "cursorField", source.cursorField());
        put(item, "recordsPath", source.recordsPath());
        Pagination paging = source.pagination();
        item.put("pagingType", s(paging.type().name()));
        put(item, "pagingParam", paging.param());
        item.put("pagingStart", AttributeValue.fromN(Integer.toString(paging.start())));
        put(item, "pagingNextPath", paging.nextPath());
        item.put("pagingMaxPages", AttributeValue.fromN(Integer.toString(paging.maxPages())));
        put(item, "since", source.since());
        item.put("headerNames", AttributeValue.fromL(source.headerNames().stream().map(DynamoSourceRepository::s)
                .toList()));
        put(item, "secretRef", source.secretRef());
        item.put("checkpoint", checkpoint(source.checkpoint()));
        put(item, "activePull", source.activePull());
        item.put("createdAt", s(source.createdAt().toString()));
        item.put("createdKey", s(source.createdAt() + "#" + source.id()));
        item.put("updatedAt", s(source.updatedAt().toString()));
        return item;
    }

    private static Source fromItem(Map<String, AttributeValue> item) {
        Schedule schedule = item.containsKey("schedule")
                ? new Schedule(str(item, "schedule"), ZoneId.of(str(item, "timezone"))) : null;
        Pagination paging = new Pagination(Pagination.Type.valueOf(str(item, "pagingType")), str(item, "pagingParam"),
                Integer.parseInt(item.get("pagingStart").n()), str(item, "pagingNextPath"),
                Integer.parseInt(item.get("pagingMaxPages").n()));
        return new Source(str(item, "id"), str(item, "datasetId"), str(item, "owner"),
                SourceKind.fromWire(str(item, "kind")).orElseThrow(), str(item, "url"), schedule,
                item.get("enabled").bool(), str(item, "cursorField"), str(item, "recordsPath"), paging,
                str(item, "since"), item.get("headerNames").l().stream().map(AttributeValue::s).toList(),
                str(item, "secretRef"), checkpoint(item.get("checkpoint")), str(item, "activePull"),
                Instant.parse(str(item, "createdAt")), Instant.parse(str(item, "updatedAt")));
    }

    private static Map<String, AttributeValue> toItem(Pull pull) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(key(pull.sourceId(), PULL + pull.pullId()));
        item.put("pullId", s(pull.pullId()));
        item.put("sourceId", s(pull.sourceId()));
        put(item, "runId", pull.runId());
        item.put("status", s(pull.status().name()));
        item.put("checkpointBefore", checkpoint(pull.checkpointBefore()));
        if (pull.checkpointAfter() != null) {
            item.put("checkpointAfter", checkpoint(pull.checkpointAfter()));
        }
        if (pull.records() != null) {
            item.put("records", AttributeValue.fromN(Long.toString(pull.records())));
        }
        item.put("bytes", AttributeValue.fromN(Long.toString(pull.bytes())));
        put(item, "error", pull.error());
        item.put("startedAt", s(pull.startedAt().toString()));
        put(item, "finishedAt", pull.finishedAt() == null ? null : pull.finishedAt().toString());
        put(item, "trigger", pull.trigger());
        return item;
    }

    private static Pull pullFromItem(Map<String, AttributeValue> item) {
        return new Pull(str(item, "pullId"), str(item, "sourceId"), str(item, "runId"),
                PullStatus.valueOf(str(item, "status")), checkpoint(item.get("checkpointBefore")),
                item.containsKey("checkpointAfter") ? checkpoint(item.get("checkpointAfter")) : null,
                item.containsKey("records") ? Long.valueOf(item.get("records").n()) : null,
                Long.parseLong(item.get("bytes").n()), str(item, "error"), Instant.parse(str(item, "startedAt")),
                item.containsKey("finishedAt") ? Instant.parse(str(item, "finishedAt")) : null, str(item, "trigger"));
    }

    private static AttributeValue checkpoint(Checkpoint checkpoint) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        put(m, "cursor", checkpoint.cursor());
        put(m, "eTag", checkpoint.eTag());
        put(m, "lastModified", checkpoint.lastModified());
        put(m, "contentHash", checkpoint.contentHash());
        return AttributeValue.fromM(m);
    }

    private static Checkpoint checkpoint(AttributeValue value) {
        if (value == null || !value.hasM()) {
            return Checkpoint.NONE;
        }
        Map<String, AttributeValue> m = value.m();
        return new Checkpoint(str(m, "cursor"), str(m, "eTag"), str(m, "lastModified"), str(m, "contentHash"));
    }

    private static void put(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
