package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.domain.dataset.PublishedRow;
import dev.sluice.domain.run.ReviewReport;
import dev.sluice.domain.run.Publication;
import dev.sluice.domain.run.PublishCounts;
import dev.sluice.domain.run.RollbackReport;
import dev.sluice.domain.run.Run;
import java.math.BigDecimal;
import java.util.List;

/**
 * The run's {@code publication} block and {@code GET /api/runs/{id}/review}. Keys are the publish key's values as a
 * JSON array; money and decimal values are exact decimal strings.
 */
public final class PublicationPresenter {
    private final ObjectMapper json;

    public PublicationPresenter(ObjectMapper json) {
        this.json = json;
    }

    /**
     * {@code "publication": {"strategy", "state", "counts", "publishedAt", "rolledBackAt", "rollback"}}; state is
     * review, publishing, published, discarded, rolled_back, or null for a run that never reached publishing.
     */
    public static void put(ObjectNode node, Run run) {
        Publication publication = run.publication();
        ObjectNode block = node.putObject("publication");
        block.put("strategy", publication.strategy());
        block.put("state", publication.state(run.status(), run.failureCode()));
        if (publication.counts() == null) {
            block.putNull("counts");
        } else {
            putCounts(block.putObject("counts"), publication.counts());
        }
        block.put("publishedAt", publication.publishedAt() == null ? null : publication.publishedAt().toString());
        block.put("rolledBackAt", publication.rolledBackAt() == null ? null
                : publication.rolledBackAt().toString());
        RollbackReport rollback = publication.rollback();
        if (rollback == null) {
            block.putNull("rollback");
        } else {
            ObjectNode undone = block.putObject("rollback");
            undone.put("removed", rollback.removed());
            undone.put("restored", rollback.restored());
            ArrayNode conflicts = undone.putArray("conflicts");
            for (RollbackReport.KeyConflict conflict : rollback.conflicts()) {
                ObjectNode item = conflicts.addObject();
                item.set("key", key(new ObjectMapper(), conflict.key()));
                item.put("laterRunId", conflict.laterRunId());
            }
        }
    }

    private static void putCounts(ObjectNode node, PublishCounts counts) {
        node.put("inserted", counts.inserted());
        node.put("updated", counts.updated());
        node.put("unchanged", counts.unchanged());
        node.put("conflicting", counts.conflicting());
        node.put("removed", counts.removed());
    }

    public ObjectNode review(ReviewReport report) {
        ObjectNode node = json.createObjectNode();
        node.put("runId", report.runId());
        node.put("strategy", report.strategy());
        report.key().forEach(node.putArray("key")::add);
        putCounts(node.putObject("counts"), report.counts());
        ObjectNode samples = node.putObject("samples");
        changes(samples.putArray("inserted"), report.samples().inserted(), false, true);
        changes(samples.putArray("updated"), report.samples().updated(), true, true);
        changes(samples.putArray("unchanged"), report.samples().unchanged(), false, true);
        ArrayNode conflicting = samples.putArray("conflicting");
        for (ReviewReport.Conflict conflict : report.samples().conflicting()) {
            ObjectNode item = conflicting.addObject();
            item.set("key", key(json, conflict.key()));
            conflict.recordNos().forEach(item.putArray("recordNos")::add);
        }
        changes(samples.putArray("removed"), report.samples().removed(), true, false);
        return node;
    }

    private void changes(ArrayNode array, List<ReviewReport.Change> changes, boolean old, boolean now) {
        for (ReviewReport.Change change : changes) {
            ObjectNode item = array.addObject();
            item.set("key", key(json, change.key()));
            if (old) {
                item.set("old", row(change.before()));
            }
            if (now) {
                item.set("new", row(change.after()));
            }
        }
    }

    private JsonNode row(PublishedRow row) {
        if (row == null) {
            return json.nullNode();
        }
        ObjectNode node = json.createObjectNode();
        if (row.raw()) {
            node.set("data", parse(json, row.dataJson()));
            return node;
        }
        node.put("date", row.date() == null ? null : row.date().toString());
        node.put("campaign", row.campaign());
        node.put("channel", row.channel());
        node.put("spend", decimal(row.spend()));
        node.put("clicks", row.clicks());
        node.put("impressions", row.impressions());
        node.put("conversions", decimal(row.conversions()));
        node.set("extra", row.extraJson() == null ? json.createObjectNode() : parse(json, row.extraJson()));
        return node;
    }

    private static String decimal(BigDecimal value) {
        return value == null ? null : value.toPlainString();
    }

    /** The row_key (JSON array text written by PostgreSQL) as JSON. */
    private static JsonNode key(ObjectMapper json, String key) {
        return parse(json, key);
    }

    private static JsonNode parse(ObjectMapper json, String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored JSON value does not parse", e);
        }
    }
}
