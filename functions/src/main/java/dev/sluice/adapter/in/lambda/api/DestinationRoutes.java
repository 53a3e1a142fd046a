package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.destination.DestinationInput;
import dev.sluice.application.destination.Destinations;
import dev.sluice.application.port.ExternalDatabase;
import dev.sluice.application.query.RunQueries;
import dev.sluice.domain.destination.Delivery;
import dev.sluice.domain.destination.Destination;
import dev.sluice.domain.destination.DestinationKind;
import dev.sluice.domain.destination.LoadStrategy;
import dev.sluice.domain.destination.SslMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The destination routes (issue 16): binds requests to the use cases and presents destinations and deliveries. A
 * destination's password is never shown ({@code "password": "***"}); a run's deliveries are shown once the caller may
 * see the run.
 */
public final class DestinationRoutes {
    private final Destinations destinations;
    private final RunQueries runs;
    private final RequestBinder binder;
    private final ObjectMapper json;

    public DestinationRoutes(Destinations destinations, RunQueries runs, RequestBinder binder, ObjectMapper json) {
        this.destinations = destinations;
        this.runs = runs;
        this.binder = binder;
        this.json = json;
    }

    /** Adds the routes to {@code routes}; nothing when destinations are not wired (handler tests of other routes). */
    public Routes register(Routes routes) {
        if (destinations == null) {
            return routes;
        }
        var manage = destinations.manage();
        var deliveries = destinations.deliveries();
        return routes
                .post("/api/datasets/{id}/destinations", call -> ApiResponse.created(destination(manage.create(
                        call.caller(), call.path("id"), input(call.request())))))
                .get("/api/datasets/{id}/destinations", call -> ApiResponse.ok(items(
                        manage.list(call.caller(), call.path("id")), this::destination)))
                .get("/api/destinations/{id}", call -> ApiResponse.ok(destination(
                        manage.visible(call.caller(), call.path("id")))))
                .patch("/api/destinations/{id}", call -> ApiResponse.ok(destination(manage.update(
                        call.caller(), call.path("id"), input(call.request())))))
                .delete("/api/destinations/{id}", call -> {
                    manage.delete(call.caller(), call.path("id"));
                    return ApiResponse.noContent();
                })
                .post("/api/destinations/{id}/test", call -> ApiResponse.ok(test(
                        manage.test(call.caller(), call.path("id")))))
                .get("/api/destinations/{id}/schemas", call -> ApiResponse.ok(items(
                        manage.schemas(call.caller(), call.path("id")), TextNode::valueOf)))
                .get("/api/destinations/{id}/tables", call -> ApiResponse.ok(items(manage.tables(call.caller(),
                        call.path("id"), call.request().query("schema")), TextNode::valueOf)))
                .get("/api/destinations/{id}/columns", call -> ApiResponse.ok(items(manage.columns(call.caller(),
                        call.path("id"), call.request().query("schema"), call.request().query("table")),
                        this::column)))
                .get("/api/runs/{id}/deliveries", call -> ApiResponse.ok(items(deliveries.deliveriesOf(
                        runs.run(call.caller(), call.path("id")).runId()), this::delivery)))
                .post("/api/runs/{id}/deliveries/{destinationId}/resend", call -> new ApiResponse(202, delivery(
                        deliveries.resend(runs.run(call.caller(), call.path("id")).runId(),
                                call.path("destinationId"))), Map.of()));
    }

    // ---- binding ----

    DestinationInput input(ApiRequest request) {
        JsonNode body = binder.jsonBody(request);
        String kind = text(body, "kind");
        String sslMode = text(body, "sslMode");
        String strategy = text(body, "strategy");
        return new DestinationInput(text(body, "name"),
                kind == null ? null : DestinationKind.byWireName(kind).orElseThrow(() -> InvalidRequestException
                        .badField("kind", "must be postgres or redshift, was '" + shorten(kind) + "'")),
                text(body, "host"), port(body), text(body, "database"), text(body, "user"), text(body, "password"),
                sslMode == null ? null : SslMode.byWireName(sslMode).orElseThrow(() -> InvalidRequestException
                        .badField("sslMode", "must be disable, allow, prefer, require, verify-ca or verify-full")),
                text(body, "schema"), text(body, "table"), columns(body),
                strategy == null ? null : LoadStrategy.byWireName(strategy).orElseThrow(() -> InvalidRequestException
                        .badField("strategy", "must be insert, upsert or truncate-insert, was '" + shorten(strategy)
                                + "'")),
                key(body));
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw InvalidRequestException.badField(field, "must be a string");
        }
        return value.asText();
    }

    private static Integer port(JsonNode body) {
        JsonNode value = body.get("port");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw InvalidRequestException.badField("port", "must be a whole number 1..65535");
        }
        return value.asInt();
    }

    private static Map<String, String> columns(JsonNode body) {
        JsonNode value = body.get("columns");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw InvalidRequestException.badField("columns", "must be an object of target column to source field");
        }
        Map<String, String> columns = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            if (!field.getValue().isTextual()) {
                throw InvalidRequestException.badField("columns." + shorten(field.getKey()), "must be a string");
            }
            columns.put(field.getKey(), field.getValue().asText());
        }
        return columns;
    }

    private static List<String> key(JsonNode body) {
        JsonNode value = body.get("key");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw InvalidRequestException.badField("key", "must be an array of target column names");
        }
        List<String> key = new ArrayList<>();
        for (JsonNode column : value) {
            if (!column.isTextual()) {
                throw InvalidRequestException.badField("key", "must be an array of target column names");
            }
            key.add(column.asText());
        }
        return key;
    }

    private static String shorten(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }

    // ---- presenting ----

    private <T> ObjectNode items(List<T> values, Function<T, JsonNode> each) {
        ObjectNode page = json.createObjectNode();
        ArrayNode items = page.putArray("items");
        values.forEach(value -> items.add(each.apply(value)));
        page.putNull("nextCursor");
        return page;
    }

    ObjectNode destination(Destination d) {
        ObjectNode node = json.createObjectNode();
        node.put("id", d.id());
        node.put("datasetId", d.datasetId());
        node.put("name", d.name());
        node.put("kind", d.kind().wireName());
        node.put("host", d.host());
        node.put("port", d.port());
        node.put("database", d.database());
        node.put("user", d.user());
        node.put("password", "***");
        node.put("sslMode", d.sslMode().wireName());
        node.put("schema", d.schema());
        node.put("table", d.table());
        ObjectNode columns = node.putObject("columns");
        d.columns().forEach(columns::put);
        node.put("strategy", d.strategy().wireName());
        ArrayNode key = node.putArray("key");
        d.key().forEach(key::add);
        node.put("createdAt", d.createdAt().toString());
        node.put("updatedAt", d.updatedAt().toString());
        return node;
    }

    private ObjectNode test(Optional<ExternalDatabase.Failure> problem) {
        ObjectNode node = json.createObjectNode();
        node.put("ok", problem.isEmpty());
        problem.ifPresent(p -> node.put("code", p.problem().name()).put("message", p.getMessage()));
        return node;
    }

    private ObjectNode column(ExternalDatabase.Column column) {
        return json.createObjectNode().put("name", column.name()).put("type", column.type())
                .put("nullable", column.nullable());
    }

    private ObjectNode delivery(Delivery d) {
        ObjectNode node = json.createObjectNode();
        node.put("destinationId", d.destinationId());
        node.put("name", d.name());
        node.put("status", d.status().wireName());
        if (d.rows() == null) {
            node.putNull("rows");
        } else {
            node.put("rows", d.rows());
        }
        node.put("attempts", d.attempts());
        node.put("error", d.error());
        node.put("deliveredAt", d.deliveredAt() == null ? null : d.deliveredAt().toString());
        return node;
    }
}
