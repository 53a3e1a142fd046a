package dev.sluice.adapter.out.dynamodb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.domain.csv.ReadingDecisions;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.run.Publication;
import dev.sluice.domain.run.PublishCounts;
import dev.sluice.domain.run.RollbackReport;
import dev.sluice.domain.run.RollbackReport.KeyConflict;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.Run.DeadChunk;
import dev.sluice.domain.run.Run.FileFacts;
import dev.sluice.domain.run.Run.RunSource;
import dev.sluice.domain.run.RunStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Converts runs to and from DynamoDB items. */
final class RunItems {
    /** RunsByDataset's partition key is this and the run's dataset id. */
    static final String DATASET_PREFIX = "DATASET#";
    private static final ObjectMapper FACTS_JSON = new ObjectMapper();

    private RunItems() {
    }

    static Map<String, AttributeValue> toItem(Run run) {
        Map<String, AttributeValue> item = new HashMap<>(DynamoRunRepository.runKey(run.runId()));
        String created = run.createdAt().toString();
        item.put("gsi1pk", s("OWNER#" + run.owner()));
        item.put("gsi1sk", s(created + "#" + run.runId()));
        item.put("gsi2pk", s("STATUS#" + run.status().name()));
        item.put("gsi2sk", s(run.updatedAt().toString()));
        if (run.datasetId() != null) {
            item.put("gsi4pk", s(DATASET_PREFIX + run.datasetId()));
            item.put("gsi4sk", s(created + "#" + run.runId()));
        }
        item.put("runId", s(run.runId()));
        item.put("owner", s(run.owner()));
        item.put("datasetId", s(run.datasetId()));
        item.put("fileName", s(run.fileName()));
        item.put("bucket", s(run.bucket()));
        item.put("objectKey", s(run.key()));
        item.put("source", s(run.source().name()));
        item.put("status", s(run.status().name()));
        item.put("contentLength", n(run.contentLength()));
        item.put("createdAt", s(created));
        item.put("updatedAt", s(run.updatedAt().toString()));
        item.put("records", n(run.records()));
        item.put("stored", n(run.stored()));
        item.put("errors", n(run.errors()));
        item.put("chunksPlanned", n(run.chunksPlanned()));
        item.put("chunksDone", n(run.chunksDone()));
        item.put("chunksDead", n(run.chunksDead()));
        item.put("chunksOutstanding", n(0));
        item.put("bytesTotal", n(run.bytesTotal()));
        item.put("bytesDone", n(run.bytesDone()));
        if (run.objectETag() != null) {
            item.put("objectETag", s(run.objectETag()));
        }
        if (run.objectVersionId() != null) {
            item.put("objectVersionId", s(run.objectVersionId()));
        }
        if (!run.requestedMapping().isEmpty()) {
            item.put("requestedMapping", stringMap(run.requestedMapping()));
        }
        Run.UploadFacts upload = run.upload();
        if (upload.sha256() != null) {
            item.put("sha256", s(upload.sha256()));
        }
        if (upload.allowDuplicate()) {
            item.put("allowDuplicate", AttributeValue.fromBool(true));
        }
        if (upload.multipart()) {
            item.put("multipartUploadId", s(upload.multipartUploadId()));
            item.put("partSize", n(upload.partSize()));
        }
        if (upload.duplicateOf() != null) {
            item.put("duplicateOf", s(upload.duplicateOf()));
        }
        putRerun(item, run.rerun());
        putPublication(item, run.publication());
        return item;
    }

    /**
     * Top-level attributes, so a transition can set each one in its conditional update: publishOutcome (the load
     * outcome a published run takes), publishStrategy, publishCounts, publishedAt, rolledBackAt, rollback.
     */
    private static void putPublication(Map<String, AttributeValue> item, Publication publication) {
        if (publication.outcome() != null) {
            item.put("publishOutcome", s(publication.outcome().name()));
        }
        if (publication.strategy() != null) {
            item.put("publishStrategy", s(publication.strategy()));
        }
        if (publication.counts() != null) {
            item.put("publishCounts", countsValue(publication.counts()));
        }
        if (publication.publishedAt() != null) {
            item.put("publishedAt", s(publication.publishedAt().toString()));
        }
        if (publication.rolledBackAt() != null) {
            item.put("rolledBackAt", s(publication.rolledBackAt().toString()));
        }
        if (publication.rollback() != null) {
            item.put("rollback", rollbackValue(publication.rollback()));
        }
    }

    static AttributeValue countsValue(PublishCounts counts) {
        return AttributeValue.fromM(Map.of("inserted", n(counts.inserted()), "updated", n(counts.updated()),
                "unchanged", n(counts.unchanged()), "conflicting", n(counts.conflicting()),
                "removed", n(counts.removed())));
    }

    /** At most {@link #MAX_ITEM_CONFLICTS} conflicts fit the run item; the API names how many there were. */
    static AttributeValue rollbackValue(RollbackReport rollback) {
        List<AttributeValue> conflicts = rollback.conflicts().stream().limit(MAX_ITEM_CONFLICTS)
                .map(c -> AttributeValue.fromM(Map.of("key", s(c.key()), "laterRunId", s(c.laterRunId()))))
                .toList();
        return AttributeValue.fromM(Map.of("removed", n(rollback.removed()), "restored", n(rollback.restored()),
                "conflicts", AttributeValue.fromL(conflicts)));
    }

    /** Keeps the run item far below DynamoDB's 400 KB item limit. */
    static final int MAX_ITEM_CONFLICTS = 100;

    private static Publication publication(Map<String, AttributeValue> item) {
        String outcome = str(item, "publishOutcome");
        PublishCounts counts = null;
        if (item.containsKey("publishCounts") && item.get("publishCounts").hasM()) {
            Map<String, AttributeValue> m = item.get("publishCounts").m();
            counts = new PublishCounts(num(m, "inserted"), num(m, "updated"), num(m, "unchanged"),
                    num(m, "conflicting"), num(m, "removed"));
        }
        RollbackReport rollback = null;
        if (item.containsKey("rollback") && item.get("rollback").hasM()) {
            Map<String, AttributeValue> m = item.get("rollback").m();
            List<KeyConflict> conflicts = new ArrayList<>();
            if (m.containsKey("conflicts") && m.get("conflicts").hasL()) {
                m.get("conflicts").l().forEach(c -> conflicts.add(new KeyConflict(str(c.m(), "key"),
                        str(c.m(), "laterRunId"))));
            }
            rollback = new RollbackReport(num(m, "removed"), num(m, "restored"), conflicts);
        }
        return new Publication(outcome == null ? null : RunStatus.valueOf(outcome), str(item, "publishStrategy"),
                counts, instant(item, "publishedAt"), instant(item, "rolledBackAt"), rollback);
    }

    static Run fromItem(Map<String, AttributeValue> item) {
        return new Run(
                str(item, "runId"),
                str(item, "owner"),
                str(item, "datasetId"),
                str(item, "fileName"),
                str(item, "bucket"),
                str(item, "objectKey"),
                RunSource.valueOf(str(item, "source")),
                RunStatus.valueOf(str(item, "status")),
                num(item, "contentLength"),
                instant(item, "createdAt"),
                instant(item, "updatedAt"),
                instant(item, "finishedAt"),
                num(item, "records"),
                num(item, "stored"),
                num(item, "errors"),
                item.containsKey("chunksTotal") ? (int) num(item, "chunksTotal") : null,
                (int) num(item, "chunksPlanned"),
                (int) num(item, "chunksDone"),
                (int) num(item, "chunksDead"),
                deadChunks(item.get("deadChunks")),
                item.containsKey("requestedMapping") ? stringMapOf(item.get("requestedMapping")) : Map.of(),
                facts(item.get("fileFacts")),
                str(item, "failureCode"),
                str(item, "failureMessage"),
                num(item, "bytesTotal"),
                num(item, "bytesDone"),
                str(item, "objectETag"),
                str(item, "objectVersionId"),
                new Run.UploadFacts(str(item, "sha256"),
                        item.containsKey("allowDuplicate") && Boolean.TRUE.equals(item.get("allowDuplicate").bool()),
                        str(item, "multipartUploadId"), num(item, "partSize"), str(item, "duplicateOf")),
                rerun(item),
                publication(item));
    }

    private static void putRerun(Map<String, AttributeValue> item, Run.Rerun rerun) {
        if (rerun.of() != null) {
            item.put("rerunOf", s(rerun.of()));
        }
        ReadingSettings settings = rerun.settings();
        if (settings != null) {
            item.put("rerunSettings", AttributeValue.fromM(Map.of(
                    "encoding", s(settings.encoding()),
                    "delimiter", s(settings.delimiter()),
                    "headerRow", n(settings.headerRow()),
                    "dateOrder", s(settings.dateOrder().name()),
                    "decimalStyle", s(settings.decimalStyle().name()))));
        }
    }

    private static Run.Rerun rerun(Map<String, AttributeValue> item) {
        AttributeValue settings = item.get("rerunSettings");
        if (settings == null || !settings.hasM()) {
            return new Run.Rerun(str(item, "rerunOf"), null);
        }
        Map<String, AttributeValue> m = settings.m();
        return new Run.Rerun(str(item, "rerunOf"), new ReadingSettings(str(m, "encoding"), str(m, "delimiter"),
                (int) num(m, "headerRow"), ReadingSettings.DateOrder.valueOf(str(m, "dateOrder")),
                ReadingSettings.DecimalStyle.valueOf(str(m, "decimalStyle"))));
    }

    /**
     * A run's file facts are one JSON string, not a nested map: every read and update of the run item carries
     * them, and a string costs DynamoDB (and the SDK, and the local emulator) one attribute where the map cost a
     * hundred. Nothing queries or updates a part of them. Runs written before read as the map they were written as.
     */
    static AttributeValue factsValue(FileFacts facts) {
        ObjectNode json = FACTS_JSON.createObjectNode();
        json.put("encoding", facts.encoding());
        json.put("delimiter", facts.delimiter());
        json.put("numberStyle", facts.numberStyle());
        ObjectNode mapping = json.putObject("mapping");
        facts.mapping().forEach(mapping::put);
        ArrayNode header = json.putArray("header");
        facts.header().forEach(header::add);
        putIfSet(json, "mappingSource", facts.mappingSource());
        if (facts.decisions() != null) {
            ReadingDecisions decisions = facts.decisions();
            ObjectNode d = json.putObject("decisions");
            d.put("encodingFrom", decisions.encodingFrom());
            d.put("delimiterFrom", decisions.delimiterFrom());
            d.put("headerLine", decisions.headerLine());
            d.put("sepLine", decisions.sepLine());
            d.put("preambleRecords", decisions.preambleRecords());
            ArrayNode preamble = d.putArray("preamble");
            decisions.preamble().forEach(preamble::add);
            ArrayNode columns = d.putArray("columns");
            for (ReadingDecisions.Column column : decisions.columns()) {
                ObjectNode c = columns.addObject();
                putIfSet(c, "column", column.column());
                putIfSet(c, "field", column.field());
                putIfSet(c, "type", column.type());
                putIfSet(c, "dateOrder", column.dateOrder());
                putIfSet(c, "decimalMark", column.decimalMark());
                putIfSet(c, "thousandsSeparator", column.thousandsSeparator());
                putIfSet(c, "currency", column.currency());
                putIfSet(c, "decidedBy", column.decidedBy());
            }
        }
        return AttributeValue.fromS(json.toString());
    }

    private static void putIfSet(ObjectNode json, String name, String value) {
        if (value != null) {
            json.put(name, value);
        }
    }

    /** Facts stored as a nested map (runs written before they were one JSON string) read as the JSON they hold. */
    private static FileFacts facts(AttributeValue value) {
        if (value == null) {
            return null;
        }
        if (value.s() != null) {
            try {
                return facts(FACTS_JSON.readTree(value.s()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a run item's fileFacts is not JSON: " + e.getOriginalMessage(), e);
            }
        }
        return value.hasM() ? facts(json(value)) : null;
    }

    private static FileFacts facts(JsonNode json) {
        Map<String, String> mapping = new LinkedHashMap<>();
        json.path("mapping").properties().forEach(entry -> mapping.put(entry.getKey(), entry.getValue().asText()));
        ReadingDecisions decisions = null;
        JsonNode d = json.get("decisions");
        if (d != null && d.isObject()) {
            List<ReadingDecisions.Column> columns = new ArrayList<>();
            for (JsonNode c : d.path("columns")) {
                columns.add(new ReadingDecisions.Column(text(c, "column"), text(c, "field"), text(c, "type"),
                        text(c, "dateOrder"), text(c, "decimalMark"), text(c, "thousandsSeparator"),
                        text(c, "currency"), text(c, "decidedBy")));
            }
            decisions = new ReadingDecisions(text(d, "encodingFrom"), text(d, "delimiterFrom"),
                    d.path("headerLine").asLong(), d.path("sepLine").asBoolean(), d.path("preambleRecords").asInt(),
                    texts(d.path("preamble")), columns);
        }
        return new FileFacts(text(json, "encoding"), text(json, "delimiter"), text(json, "numberStyle"), mapping,
                texts(json.path("header")), text(json, "mappingSource"), decisions);
    }

    /** A DynamoDB attribute value as plain JSON: maps as objects, lists as arrays, numbers as numbers. */
    private static JsonNode json(AttributeValue value) {
        if (value.hasM()) {
            ObjectNode object = FACTS_JSON.createObjectNode();
            value.m().forEach((name, member) -> object.set(name, json(member)));
            return object;
        }
        if (value.hasL()) {
            ArrayNode array = FACTS_JSON.createArrayNode();
            value.l().forEach(member -> array.add(json(member)));
            return array;
        }
        if (value.n() != null) {
            return DecimalNode.valueOf(new BigDecimal(value.n()));
        }
        if (value.bool() != null) {
            return BooleanNode.valueOf(value.bool());
        }
        return value.s() != null ? TextNode.valueOf(value.s()) : NullNode.getInstance();
    }

    private static String text(JsonNode json, String name) {
        JsonNode value = json.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    static AttributeValue deadChunkValue(DeadChunk chunk) {
        return AttributeValue.fromM(Map.of(
                "chunkNo", n(chunk.chunkNo()),
                "firstRecord", n(chunk.firstRecord()),
                "recordCount", n(chunk.recordCount()),
                "reason", s(chunk.reason())));
    }

    private static List<DeadChunk> deadChunks(AttributeValue value) {
        if (value == null || !value.hasL()) {
            return List.of();
        }
        return value.l().stream().map(AttributeValue::m).map(m -> new DeadChunk((int) num(m, "chunkNo"),
                num(m, "firstRecord"), (int) num(m, "recordCount"), str(m, "reason"))).toList();
    }

    private static AttributeValue stringMap(Map<String, String> map) {
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        map.forEach((k, v) -> values.put(k, s(v)));
        return AttributeValue.fromM(values);
    }

    private static Map<String, String> stringMapOf(AttributeValue value) {
        Map<String, String> map = new LinkedHashMap<>();
        value.m().forEach((k, v) -> map.put(k, v.s()));
        return map;
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static long num(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = str(item, name);
        return value == null ? null : Instant.parse(value);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
