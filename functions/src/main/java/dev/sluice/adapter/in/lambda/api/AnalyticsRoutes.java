package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.analytics.AnalyticsUseCases;
import dev.sluice.application.analytics.CompareRuns;
import dev.sluice.application.analytics.DatasetAnalytics;
import dev.sluice.application.analytics.DatasetRowQueries;
import dev.sluice.application.analytics.DatasetRowQueries.RowsRequest;
import dev.sluice.application.port.DatasetRollups.Dimension;
import dev.sluice.application.port.DatasetRowReader.DatasetRow;
import dev.sluice.domain.analytics.Metrics;
import dev.sluice.domain.analytics.SpendAnomalies;
import dev.sluice.domain.analytics.SpendAnomalies.Anomaly;
import dev.sluice.domain.dataset.DatasetKind;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The routes of a dataset's data: {@code GET /api/datasets/{id}/rows}, {@code .../rows.csv}, {@code .../analytics},
 * {@code .../anomalies} and {@code .../compare}. Binds the query string (dates as YYYY-MM-DD, named 400s otherwise),
 * calls one use case, and writes the answer: money and decimal sums as exact decimal strings, ratios as JSON numbers.
 */
public final class AnalyticsRoutes {
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final String WHERE = "where.";

    private final ObjectMapper json;
    private final RequestBinder binder;
    private final AnalyticsUseCases useCases;
    private final ExportPresenter exports;

    public AnalyticsRoutes(ObjectMapper json, RequestBinder binder, AnalyticsUseCases useCases) {
        this.json = json;
        this.binder = binder;
        this.useCases = useCases;
        this.exports = new ExportPresenter(json);
    }

    /** Adds the routes to {@code routes}; nothing when the API was built without these use cases (handler tests). */
    public Routes register(Routes routes) {
        if (useCases == null) {
            return routes;
        }
        return routes
                .get("/api/datasets/{id}/rows", call -> ApiResponse.ok(rows(useCases.rows().page(call.caller(),
                        call.path("id"), () -> rowsRequest(call.request()),
                        () -> position(call.request().query("cursor")), () -> binder.pageLimit(call.request())))))
                .get("/api/datasets/{id}/rows.csv", call -> exports.download(useCases.rows().csv(call.caller(),
                        call.path("id"), () -> rowsRequest(call.request()))))
                .get("/api/datasets/{id}/analytics", call -> ApiResponse.ok(report(useCases.analytics().analytics(
                        call.caller(), call.path("id"), () -> new DatasetAnalytics.AnalyticsRequest(
                                date(call.request(), "from"), date(call.request(), "to"), groupBy(call.request()),
                                top(call.request()))))))
                .get("/api/datasets/{id}/anomalies", call -> ApiResponse.ok(anomalies(useCases.analytics().anomalies(
                        call.caller(), call.path("id"), () -> new DatasetAnalytics.AnalyticsRequest(
                                date(call.request(), "from"), date(call.request(), "to"), null, null)))))
                .get("/api/datasets/{id}/compare", call -> ApiResponse.ok(comparison(useCases.compare().compare(
                        call.caller(), call.path("id"), call.request().query("a"), call.request().query("b"),
                        () -> afterKey(call.request().query("cursor")), () -> binder.pageLimit(call.request())))));
    }

    static LocalDate date(ApiRequest request, String name) {
        String value = request.query(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            if (DATE.matcher(value).matches()) {
                return LocalDate.parse(value);
            }
        } catch (DateTimeParseException e) {
            // falls through to the error below
        }
        throw InvalidRequestException.badField(name, "must be a date as YYYY-MM-DD, was '" + shown(value) + "'");
    }

    private static Dimension groupBy(ApiRequest request) {
        String value = request.query("groupBy");
        if (value == null || value.isEmpty()) {
            return Dimension.DAY;
        }
        for (Dimension dimension : Dimension.values()) {
            if (dimension.name().toLowerCase(Locale.ROOT).equals(value)) {
                return dimension;
            }
        }
        throw InvalidRequestException.badField("groupBy", "must be day, channel or campaign, was '" + shown(value)
                + "'");
    }

    private static Integer top(ApiRequest request) {
        String value = request.query("top");
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw InvalidRequestException.badField("top", "must be a whole number from 1 to "
                    + DatasetAnalytics.MAX_TOP);
        }
    }

    private static RowsRequest rowsRequest(ApiRequest request) {
        Map<String, String> where = new LinkedHashMap<>();
        request.query().entrySet().stream().filter(e -> e.getKey().startsWith(WHERE))
                .sorted(Map.Entry.comparingByKey()).forEach(e -> {
                    String column = e.getKey().substring(WHERE.length());
                    if (column.isEmpty()) {
                        throw InvalidRequestException.badField("where.", "needs a column name: where.<column>=<value>");
                    }
                    where.put(column, e.getValue());
                });
        return new RowsRequest(date(request, "from"), date(request, "to"), emptyAsNull(request.query("channel")),
                emptyAsNull(request.query("campaign")), where);
    }

    private static String emptyAsNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private List<String> position(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            JsonNode parts = json.readTree(decode(cursor));
            if (parts != null && parts.isArray() && parts.size() == 2 && parts.get(0).isTextual()
                    && parts.get(1).isTextual()) {
                String second = parts.get(1).asText();
                if (!parts.get(0).asText().isEmpty()) {
                    return List.of(parts.get(0).asText(), second);
                }
            }
        } catch (JsonProcessingException e) {
            // falls through to the error below
        }
        throw notOurCursor();
    }

    private static String afterKey(String cursor) {
        return cursor == null ? null : decode(cursor);
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw notOurCursor();
        }
    }

    private static InvalidRequestException notOurCursor() {
        return InvalidRequestException.badField("cursor", "is not a cursor returned by this endpoint");
    }

    private ObjectNode rows(DatasetRowQueries.Rows rows) {
        ObjectNode response = json.createObjectNode();
        ArrayNode items = response.putArray("items");
        for (DatasetRow row : rows.page().items()) {
            ObjectNode item = items.addObject();
            item.put("runId", row.runId());
            item.put("recordNo", row.recordNo());
            item.set("key", parse(row.key()));
            if (rows.kind() == DatasetKind.RAW) {
                ObjectNode data = item.putObject("data");
                row.data().forEach(data::put);
                continue;
            }
            item.put("date", row.date() == null ? null : row.date().toString());
            item.put("campaign", row.campaign());
            item.put("channel", row.channel());
            item.put("spend", plain(row.spend()));
            item.put("clicks", row.clicks());
            item.put("impressions", row.impressions());
            item.put("conversions", plain(row.conversions()));
            item.set("extra", row.extraJson() == null ? json.createObjectNode() : parse(row.extraJson()));
        }
        String next = null;
        if (rows.page().next() != null) {
            try {
                next = Cursors.encode(json.writeValueAsString(rows.page().next()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        response.put("nextCursor", next);
        return response;
    }

    private ObjectNode report(DatasetAnalytics.Report report) {
        ObjectNode response = json.createObjectNode();
        DatasetAnalytics.Period current = report.current();
        response.put("from", text(current.from()));
        response.put("to", text(current.to()));
        response.put("groupBy", report.groupBy().name().toLowerCase(Locale.ROOT));
        response.set("totals", metrics(json.createObjectNode(), current.totals()));
        response.set("groups", groups(current.groups()));
        ObjectNode previous = response.putObject("previous");
        previous.put("from", text(report.previous().from()));
        previous.put("to", text(report.previous().to()));
        previous.set("totals", metrics(json.createObjectNode(), report.previous().totals()));
        previous.set("groups", groups(report.previous().groups()));
        return response;
    }

    private ArrayNode groups(List<DatasetAnalytics.GroupMetrics> groups) {
        ArrayNode array = json.createArrayNode();
        for (DatasetAnalytics.GroupMetrics group : groups) {
            ObjectNode item = array.addObject();
            item.put("key", group.key());
            if (group.other()) {
                item.put("other", true);
            }
            metrics(item, group.metrics());
        }
        return array;
    }

    private static ObjectNode metrics(ObjectNode node, Metrics metrics) {
        node.put("rows", metrics.rows());
        node.put("spend", metrics.spend().toPlainString());
        node.put("clicks", metrics.clicks());
        node.put("impressions", metrics.impressions());
        node.put("conversions", metrics.conversions().toPlainString());
        node.put("ctr", metrics.ctr());
        node.put("cpc", plain(metrics.cpc()));
        node.put("cpa", plain(metrics.cpa()));
        node.put("conversionRate", metrics.conversionRate());
        return node;
    }

    private ObjectNode anomalies(DatasetAnalytics.AnomalyReport report) {
        SpendAnomalies rule = report.rule();
        ObjectNode response = json.createObjectNode();
        response.put("method", "median/MAD");
        response.put("window", rule.window());
        response.put("minHistory", rule.minHistory());
        response.put("threshold", rule.threshold());
        response.put("ratioFloor", rule.ratioFloor());
        response.put("from", text(report.from()));
        response.put("to", text(report.to()));
        ArrayNode items = response.putArray("items");
        for (Anomaly anomaly : report.items()) {
            ObjectNode item = items.addObject();
            item.put("date", anomaly.day().toString());
            item.put("channel", anomaly.channel());
            item.put("spend", anomaly.spend().toPlainString());
            item.put("median", anomaly.median().toPlainString());
            item.put("ratio", anomaly.ratio());
            item.put("score", anomaly.score());
            item.put("direction", anomaly.direction().wireName());
            item.put("explanation", anomaly.explanation());
        }
        return response;
    }

    private ObjectNode comparison(CompareRuns.Comparison comparison) {
        ObjectNode response = json.createObjectNode();
        response.put("a", comparison.a());
        response.put("b", comparison.b());
        ArrayNode key = response.putArray("key");
        comparison.key().forEach(key::add);
        ObjectNode counts = response.putObject("counts");
        counts.put("added", comparison.counts().added());
        counts.put("removed", comparison.counts().removed());
        counts.put("changed", comparison.counts().changed());
        counts.put("unchanged", comparison.counts().unchanged());
        ArrayNode items = response.putArray("items");
        for (CompareRuns.KeyChange change : comparison.items()) {
            ObjectNode item = items.addObject();
            item.set("key", parse(change.key()));
            item.put("change", change.change().name().toLowerCase(Locale.ROOT));
            ArrayNode fields = item.putArray("fields");
            for (CompareRuns.FieldChange field : change.fields()) {
                ObjectNode entry = fields.addObject();
                entry.put("name", field.name());
                entry.put("old", field.before());
                entry.put("new", field.after());
            }
        }
        response.put("nextCursor", comparison.nextKey() == null ? null : Cursors.encode(comparison.nextKey()));
        return response;
    }

    private JsonNode parse(String text) {
        try {
            return text == null ? json.nullNode() : json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored row key or extra is not JSON", e);
        }
    }

    private static String plain(BigDecimal value) {
        return value == null ? null : value.toPlainString();
    }

    private static String text(LocalDate day) {
        return day == null ? null : day.toString();
    }

    private static String shown(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }

}
