package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.port.SourceRepository;
import dev.sluice.application.source.RunNow;
import dev.sluice.application.source.SourceSpec;
import dev.sluice.application.source.SourceUseCases;
import dev.sluice.domain.source.Checkpoint;
import dev.sluice.domain.source.Pagination;
import dev.sluice.domain.source.Pull;
import dev.sluice.domain.source.Schedule;
import dev.sluice.domain.source.Source;
import dev.sluice.domain.source.SourceKind;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The source routes: binds requests to {@link SourceSpec}, calls the source use cases and presents sources and pulls.
 * Header values are never presented: {@code "headers": {"Authorization": "***"}}.
 */
public final class SourceRoutes {
    private final SourceUseCases sources;
    private final RequestBinder binder;
    private final ObjectMapper json;

    public SourceRoutes(SourceUseCases sources, RequestBinder binder, ObjectMapper json) {
        this.sources = sources;
        this.binder = binder;
        this.json = json;
    }

    /** Adds the routes to the table. */
    public Routes register(Routes routes) {
        return routes
                .post("/api/datasets/{id}/sources", call -> ApiResponse.created(source(sources.manage().create(
                        call.caller(), call.path("id"), spec(binder.jsonBody(call.request()), true)))))
                .get("/api/datasets/{id}/sources", call -> {
                    ArrayNode items = json.createArrayNode();
                    sources.manage().list(call.caller(), call.path("id")).forEach(s -> items.add(source(s)));
                    ObjectNode page = json.createObjectNode();
                    page.set("items", items);
                    page.putNull("nextCursor");
                    return ApiResponse.ok(page);
                })
                .get("/api/sources/{id}", call -> ApiResponse.ok(source(sources.manage().visible(call.caller(),
                        call.path("id")))))
                .patch("/api/sources/{id}", call -> ApiResponse.ok(source(sources.manage().update(call.caller(),
                        call.path("id"), spec(binder.jsonBody(call.request()), false)))))
                .delete("/api/sources/{id}", call -> {
                    sources.manage().delete(call.caller(), call.path("id"));
                    return ApiResponse.noContent();
                })
                .post("/api/sources/{id}/pull", call -> {
                    sources.manage().visible(call.caller(), call.path("id"));
                    RunNow.Answer result = sources.runNow().pull(call.path("id"));
                    ObjectNode node = json.createObjectNode();
                    node.put("pullId", result.pullId());
                    node.put("runId", result.runId());
                    sources.manage().pull(call.caller(), call.path("id"), result.pullId())
                            .ifPresent(p -> node.set("pull", pull(p)));
                    return new ApiResponse(202, node, Map.of());
                })
                .get("/api/sources/{id}/pulls", call -> {
                    String cursor = call.request().query("cursor");
                    SourceRepository.PullPage page = sources.manage().pulls(call.caller(), call.path("id"),
                            binder.pageLimit(call.request()), cursor == null ? null : decode(cursor));
                    ArrayNode items = json.createArrayNode();
                    page.items().forEach(p -> items.add(pull(p)));
                    ObjectNode node = json.createObjectNode();
                    node.set("items", items);
                    node.put("nextCursor", page.nextAfter() == null ? null : Cursors.encode(page.nextAfter()));
                    return ApiResponse.ok(node);
                });
    }

    private static String decode(String cursor) {
        try {
            String position = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!position.matches("[0-9TZ.:-]{1,64}[-a-z0-9]*")) {
                throw new IllegalArgumentException("not a pull id");
            }
            return position;
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("INVALID_CURSOR", 400, "cursor: not a cursor this API gave out");
        }
    }

    ObjectNode source(Source source) {
        ObjectNode node = json.createObjectNode();
        node.put("id", source.id());
        node.put("datasetId", source.datasetId());
        node.put("owner", source.owner());
        node.put("kind", source.kind().wireName());
        node.put("url", source.url());
        node.put("schedule", source.schedule() == null ? null : source.schedule().expression());
        node.put("timezone", source.schedule() == null ? null : source.schedule().timezone().getId());
        node.put("enabled", source.enabled());
        node.put("cursorField", source.cursorField());
        node.put("recordsPath", source.recordsPath());
        node.put("since", source.since());
        Pagination paging = source.pagination();
        ObjectNode pagination = node.putObject("pagination");
        pagination.put("type", paging.type().name().toLowerCase(Locale.ROOT));
        pagination.put("param", paging.param());
        pagination.put("start", paging.start());
        pagination.put("nextPath", paging.nextPath());
        pagination.put("maxPages", paging.maxPages());
        ObjectNode headers = node.putObject("headers");
        source.headerNames().forEach(name -> headers.put(name, "***"));
        node.set("checkpoint", checkpoint(source.checkpoint()));
        node.put("pulling", source.activePull());
        node.put("createdAt", source.createdAt().toString());
        node.put("updatedAt", source.updatedAt().toString());
        return node;
    }

    private ObjectNode pull(Pull pull) {
        ObjectNode node = json.createObjectNode();
        node.put("pullId", pull.pullId());
        node.put("sourceId", pull.sourceId());
        node.put("runId", pull.runId());
        node.put("status", pull.status().wireName());
        node.put("trigger", pull.trigger());
        node.set("checkpointBefore", checkpoint(pull.checkpointBefore()));
        node.set("checkpointAfter", pull.checkpointAfter() == null ? null : checkpoint(pull.checkpointAfter()));
        if (pull.records() == null) {
            node.putNull("records");
        } else {
            node.put("records", pull.records());
        }
        node.put("bytes", pull.bytes());
        node.put("error", pull.error());
        node.put("startedAt", pull.startedAt().toString());
        node.put("finishedAt", pull.finishedAt() == null ? null : pull.finishedAt().toString());
        return node;
    }

    /** A checkpoint as {"cursor", "eTag", "lastModified", "contentHash"}, or null when there is none. */
    private JsonNode checkpoint(Checkpoint checkpoint) {
        if (checkpoint == null || checkpoint.isEmpty()) {
            return json.nullNode();
        }
        ObjectNode node = json.createObjectNode();
        node.put("cursor", checkpoint.cursor());
        node.put("eTag", checkpoint.eTag());
        node.put("lastModified", checkpoint.lastModified());
        node.put("contentHash", checkpoint.contentHash());
        return node;
    }

    /** The body of POST (everything may be given) or PATCH (only what changes). */
    private SourceSpec spec(JsonNode body, boolean creating) {
        for (var it = body.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!java.util.Set.of("kind", "url", "schedule", "timezone", "enabled", "cursorField", "recordsPath",
                    "pagination", "since", "headers").contains(field)) {
                throw new InvalidRequestException("INVALID_SOURCE", 400, "Field '" + field + "' is not a source "
                        + "field; known: kind, url, schedule, timezone, enabled, cursorField, recordsPath, pagination, "
                        + "since, headers.");
            }
        }
        String kindName = RequestBinder.text(body, "kind");
        SourceKind kind = kindName == null ? null : SourceKind.fromWire(kindName).orElseThrow(
                () -> new InvalidRequestException("INVALID_SOURCE", 400, "Field 'kind': '" + kindName
                        + "' is not csv-url, json-api or feed."));
        String expression = RequestBinder.text(body, "schedule");
        Schedule schedule = null;
        if (expression != null && !expression.isBlank()) {
            try {
                schedule = Schedule.of(expression, null);
            } catch (IllegalArgumentException e) {
                throw SourceSpec.invalidSchedule("schedule", e.getMessage());
            }
        }
        String timezoneName = RequestBinder.text(body, "timezone");
        ZoneId timezone = null;
        if (timezoneName != null && !timezoneName.isBlank()) {
            try {
                timezone = Schedule.zone(timezoneName);
            } catch (IllegalArgumentException e) {
                throw SourceSpec.invalidSchedule("timezone", e.getMessage());
            }
        }
        boolean clearSchedule = !creating && body.has("schedule") && (expression == null || expression.isBlank());
        JsonNode enabled = body.get("enabled");
        if (enabled != null && !enabled.isBoolean() && !enabled.isNull()) {
            throw new InvalidRequestException("INVALID_SOURCE", 400, "Field 'enabled': must be true or false.");
        }
        Map<String, String> headers = null;
        JsonNode headerNode = body.get("headers");
        if (headerNode != null && !headerNode.isNull()) {
            if (!headerNode.isObject()) {
                throw new InvalidRequestException("INVALID_SOURCE", 400, "Field 'headers': must be an object like "
                        + "{\"Authorization\": \"Bearer …\"}.");
            }
            headers = new LinkedHashMap<>();
            for (var e : headerNode.properties()) {
                if (!e.getValue().isTextual()) {
                    throw new InvalidRequestException("INVALID_SOURCE", 400, "Field 'headers': the value of '"
                            + e.getKey() + "' must be a string.");
                }
                headers.put(e.getKey(), e.getValue().asText());
            }
        }
        boolean clearHeaders = !creating && body.has("headers") && body.get("headers").isNull();
        return new SourceSpec(kind, RequestBinder.text(body, "url"), schedule, timezone, clearSchedule,
                enabled == null || enabled.isNull() ? null : enabled.asBoolean(), RequestBinder.text(body,
                "cursorField"), RequestBinder.text(body, "recordsPath"), pagination(body.get("pagination")),
                RequestBinder.text(body, "since"), headers, clearHeaders);
    }

    private static Pagination pagination(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidRequestException("INVALID_SOURCE", 400, "Field 'pagination': must be an object like "
                    + "{\"type\": \"cursor\", \"param\": \"cursor\", \"nextPath\": \"next_cursor\"}.");
        }
        String type = node.path("type").asText("none");
        Pagination.Type parsed;
        try {
            parsed = Pagination.Type.valueOf(type.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("INVALID_SOURCE", 400, "Field 'pagination.type': '" + type
                    + "' is not none, page, cursor or link.");
        }
        int maxPages = node.path("maxPages").asInt(0);
        if (maxPages < 0 || maxPages > 10_000) {
            throw new InvalidRequestException("INVALID_SOURCE", 400, "Field 'pagination.maxPages': 1 to 10000.");
        }
        return new Pagination(parsed, node.hasNonNull("param") ? node.get("param").asText() : null,
                node.path("start").asInt(1), node.hasNonNull("nextPath") ? node.get("nextPath").asText() : null,
                maxPages);
    }
}
