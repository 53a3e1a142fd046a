package dev.sluice.adapter.out.dynamodb;

import dev.sluice.application.port.DatasetRepository;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetIds;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.domain.dataset.PublishStrategy;
import dev.sluice.domain.dataset.DatasetLimits;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.dataset.SavedMapping;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.transform.Transforms;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Datasets in their own table: one item per dataset keyed by {@code id}; GSI DatasetsByOwner ({@code owner},
 * {@code createdKey = createdAt#id}) lists an owner's, newest first. Creation is a put conditional on the id being
 * free, so the default dataset (whose id is derived from the owner) is created once however many first uploads race;
 * updates are conditional on the item existing, so a deleted dataset is never brought back by a late write.
 */
public final class DynamoDatasetRepository implements DatasetRepository {
    static final String BY_OWNER = "DatasetsByOwner";
    private static final String DEFAULT_NAME = "Default";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDatasetRepository(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public boolean create(Dataset dataset) {
        try {
            dynamo.putItem(b -> b.tableName(table).item(toItem(dataset))
                    .conditionExpression("attribute_not_exists(id)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Optional<Dataset> find(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key(id)).consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    @Override
    public List<Dataset> listByOwner(String owner) {
        List<Dataset> found = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            QueryResponse page = dynamo.query(b -> b.tableName(table).indexName(BY_OWNER)
                    .keyConditionExpression("#owner = :owner")
                    .expressionAttributeNames(Map.of("#owner", "owner"))
                    .expressionAttributeValues(Map.of(":owner", s(owner)))
                    .scanIndexForward(false).exclusiveStartKey(from));
            page.items().forEach(item -> found.add(fromItem(item)));
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey()
                    : null;
        } while (startKey != null);
        found.sort(Comparator.comparing(Dataset::createdAt).thenComparing(Dataset::id).reversed());
        return found;
    }

    @Override
    public Dataset defaultFor(String owner, Instant now) {
        String id = DatasetIds.defaultFor(owner);
        Optional<Dataset> existing = find(id);
        if (existing.isPresent()) {
            return existing.get();
        }
        Dataset created = new Dataset(id, DEFAULT_NAME, owner, DatasetKind.MARKETING, SavedMapping.NONE,
                ReadingSettings.AUTO, DatasetLimits.GLOBAL, true, now, now);
        if (create(created)) {
            return created;
        }
        // Another first use created it between the read and the put: that one is the default.
        return find(id).orElseThrow(() -> new IllegalStateException("default dataset " + id + " vanished"));
    }

    @Override
    public boolean update(Dataset dataset) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":name", s(dataset.name()));
        values.put(":mapping", mappingValue(dataset.mapping()));
        values.put(":settings", settingsValue(dataset.settings()));
        values.put(":limits", limitsValue(dataset.limits()));
        values.put(":updatedAt", s(dataset.updatedAt().toString()));
        values.put(":publish", publishValue(dataset.publish()));
        return conditionalUpdate(dataset.id(), "SET #name = :name, #mapping = :mapping, #settings = :settings, "
                + "#limits = :limits, #updatedAt = :updatedAt, #publish = :publish", values);
    }

    @Override
    public boolean saveMapping(String id, SavedMapping mapping, Instant now) {
        return conditionalUpdate(id, "SET #mapping = :mapping, #updatedAt = :updatedAt",
                Map.of(":mapping", mappingValue(mapping), ":updatedAt", s(now.toString())));
    }

    @Override
    public boolean delete(String id) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(key(id)).conditionExpression("attribute_exists(id)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private boolean conditionalUpdate(String id, String update, Map<String, AttributeValue> values) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String name : List.of("name", "mapping", "settings", "limits", "updatedAt", "publish")) {
            if (update.contains("#" + name + " ")) {
                names.put("#" + name, name);
            }
        }
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key(id)).updateExpression(update)
                    .conditionExpression("attribute_exists(id)").expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    static Map<String, AttributeValue> toItem(Dataset dataset) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(dataset.id()));
        item.put("owner", s(dataset.owner()));
        item.put("createdKey", s(dataset.createdAt() + "#" + dataset.id()));
        item.put("name", s(dataset.name()));
        item.put("kind", s(dataset.kind().wireName()));
        item.put("mapping", mappingValue(dataset.mapping()));
        item.put("settings", settingsValue(dataset.settings()));
        item.put("limits", limitsValue(dataset.limits()));
        item.put("isDefault", AttributeValue.fromBool(dataset.isDefault()));
        item.put("createdAt", s(dataset.createdAt().toString()));
        item.put("updatedAt", s(dataset.updatedAt().toString()));
        item.put("publish", publishValue(dataset.publish()));
        return item;
    }

    static Dataset fromItem(Map<String, AttributeValue> item) {
        return new Dataset(str(item, "id"), str(item, "name"), str(item, "owner"),
                DatasetKind.byWireName(str(item, "kind")).orElse(DatasetKind.MARKETING), mapping(item.get("mapping")),
                settings(item.get("settings")), limits(item.get("limits")),
                item.containsKey("isDefault") && Boolean.TRUE.equals(item.get("isDefault").bool()),
                Instant.parse(str(item, "createdAt")), Instant.parse(str(item, "updatedAt")),
                publish(item.get("publish")));
    }

    /** {@code {strategy, key: [..], review}}; datasets stored before publishing existed have none (defaults). */
    private static AttributeValue publishValue(PublishSettings publish) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        m.put("strategy", s(publish.strategy().wireName()));
        m.put("key", AttributeValue.fromL(publish.key().stream().map(DynamoDatasetRepository::s).toList()));
        m.put("review", AttributeValue.fromBool(publish.review()));
        return AttributeValue.fromM(m);
    }

    private static PublishSettings publish(AttributeValue value) {
        if (value == null || !value.hasM()) {
            return null;
        }
        Map<String, AttributeValue> m = value.m();
        PublishStrategy strategy = PublishStrategy.byWireName(m.containsKey("strategy") ? m.get("strategy").s() : "")
                .orElse(PublishStrategy.APPEND);
        List<String> key = m.containsKey("key") && m.get("key").hasL()
                ? m.get("key").l().stream().map(AttributeValue::s).toList() : List.of();
        boolean review = m.containsKey("review") && Boolean.TRUE.equals(m.get("review").bool());
        return new PublishSettings(strategy, key, review);
    }

    private static AttributeValue mappingValue(SavedMapping mapping) {
        Map<String, AttributeValue> columns = new LinkedHashMap<>();
        mapping.columns().forEach((field, header) -> columns.put(field, s(header)));
        Map<String, AttributeValue> value = new LinkedHashMap<>();
        value.put("columns", AttributeValue.fromM(columns));
        value.put("header", AttributeValue.fromL(mapping.header().stream().map(DynamoDatasetRepository::s).toList()));
        if (!mapping.transforms().isEmpty()) {
            value.put("transforms", s(mapping.transforms().encode()));
        }
        return AttributeValue.fromM(value);
    }

    /** A map attribute has no order: the columns come back in the canonical fields' order. */
    private static SavedMapping mapping(AttributeValue value) {
        if (value == null || !value.hasM()) {
            return SavedMapping.NONE;
        }
        Map<String, AttributeValue> stored = value.m().containsKey("columns") ? value.m().get("columns").m()
                : Map.of();
        Map<String, String> columns = new LinkedHashMap<>();
        for (CanonicalField field : CanonicalField.values()) {
            AttributeValue header = stored.get(field.fieldName());
            if (header != null) {
                columns.put(field.fieldName(), header.s());
            }
        }
        stored.forEach((field, header) -> columns.putIfAbsent(field, header.s()));
        List<String> header = value.m().containsKey("header")
                ? value.m().get("header").l().stream().map(AttributeValue::s).toList() : List.of();
        Transforms transforms = value.m().containsKey("transforms")
                ? Transforms.decode(value.m().get("transforms").s()) : Transforms.NONE;
        return new SavedMapping(header, columns, transforms);
    }

    private static AttributeValue settingsValue(ReadingSettings settings) {
        return AttributeValue.fromM(Map.of("encoding", s(settings.encoding()), "delimiter", s(settings.delimiter()),
                "headerRow", AttributeValue.fromN(Integer.toString(settings.headerRow())),
                "dateOrder", s(settings.dateOrder().name()), "decimalStyle", s(settings.decimalStyle().name())));
    }

    private static ReadingSettings settings(AttributeValue value) {
        if (value == null || !value.hasM()) {
            return ReadingSettings.AUTO;
        }
        Map<String, AttributeValue> m = value.m();
        return new ReadingSettings(str(m, "encoding"), str(m, "delimiter"),
                m.containsKey("headerRow") ? Integer.parseInt(m.get("headerRow").n()) : 0,
                ReadingSettings.DateOrder.valueOf(str(m, "dateOrder")),
                ReadingSettings.DecimalStyle.valueOf(str(m, "decimalStyle")));
    }

    private static AttributeValue limitsValue(DatasetLimits limits) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        putNumber(m, "maxFileBytes", limits.maxFileBytes());
        putNumber(m, "maxColumns", limits.maxColumns());
        putNumber(m, "maxFieldBytes", limits.maxFieldBytes());
        putNumber(m, "maxRecords", limits.maxRecords());
        return AttributeValue.fromM(m);
    }

    private static DatasetLimits limits(AttributeValue value) {
        if (value == null || !value.hasM()) {
            return DatasetLimits.GLOBAL;
        }
        Map<String, AttributeValue> m = value.m();
        return new DatasetLimits(number(m, "maxFileBytes"), intOrNull(number(m, "maxColumns")),
                intOrNull(number(m, "maxFieldBytes")), number(m, "maxRecords"));
    }

    private static void putNumber(Map<String, AttributeValue> m, String name, Number value) {
        if (value != null) {
            m.put(name, AttributeValue.fromN(value.toString()));
        }
    }

    private static Long number(Map<String, AttributeValue> m, String name) {
        AttributeValue value = m.get(name);
        return value == null || value.n() == null ? null : Long.valueOf(value.n());
    }

    private static Integer intOrNull(Long value) {
        return value == null ? null : Math.toIntExact(value);
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("id", s(id));
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
