package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.out.postgres.ConnectionPool;
import dev.sluice.adapter.out.postgres.DestinationRows;
import dev.sluice.adapter.out.postgres.DestinationStore;
import dev.sluice.adapter.out.postgres.ExternalDeliveryTest;
import dev.sluice.adapter.out.postgres.ExternalPostgres;
import dev.sluice.adapter.out.postgres.Migrations;
import dev.sluice.adapter.out.postgres.PostgresPublisher;
import dev.sluice.adapter.out.secrets.LocalSecretStore;
import dev.sluice.adapter.wire.DeliveryMessageCodec;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.destination.DeliverRuns;
import dev.sluice.application.destination.Destinations;
import dev.sluice.application.destination.ManageDestinations;
import dev.sluice.application.identity.HttpCallers;
import dev.sluice.application.mapping.SuggestMapping;
import dev.sluice.application.port.PublishListener;
import dev.sluice.application.port.RunPublisher;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.application.twins.InMemoryRecordRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.upload.FinishUpload;
import dev.sluice.application.upload.UploadLimits;
import dev.sluice.config.ApiWiring;
import dev.sluice.config.Json;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.domain.dataset.PublishStrategy;
import dev.sluice.domain.destination.DeliveryMessage;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The destination routes through ApiFunction, over Sluice's PostgreSQL, the encrypted local secret store and a
 * second PostgreSQL as the target: the password is stored, never shown, and never in an answer (also not a wrong
 * one); someone else's destination is missing; test, introspection, a run's deliveries and resend.
 */
class DestinationApiTest {
    private static final ObjectMapper JSON = Json.mapper();
    private static final String ALICE = "a1b2c3d4-e5f6-4789-8abc-def012345678";
    private static final String BOB = "b0b0b0b0-e5f6-4789-8abc-def012345678";
    private static final String PASSWORD = "Api-Secret-Pa55-7781";
    private static final String DATASET = "ds_00000000000000000abc";
    private static final String RUN = "3f1c9a2e-8b7d-4c6e-9a1b-2d3e4f5a6b7c";
    /** Published, then rolled back before its delivery was handled. */
    private static final String ROLLED_BACK_RUN = "7a2d4e6f-1b3c-4d5e-8f9a-0b1c2d3e4f5a";
    private static EmbeddedPostgres sluice;
    private static EmbeddedPostgres target;
    private static ConnectionPool pool;
    @TempDir
    static Path secretsDir;

    private static ApiFunction api;
    private static DeliverRuns deliverRuns;
    private static final List<DeliveryMessage> SENT = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        sluice = EmbeddedPostgres.builder().start();
        Migrations.apply(sluice.getPostgresDatabase());
        pool = new ConnectionPool(sluice.getJdbcUrl("postgres", "postgres"), "postgres", "", 2);
        target = ExternalDeliveryTest.startTarget();
        ExternalDeliveryTest.execute(target.getPostgresDatabase(),
                "CREATE ROLE loader LOGIN PASSWORD '" + PASSWORD + "'", "CREATE SCHEMA mart",
                "GRANT USAGE, CREATE ON SCHEMA mart TO loader",
                "CREATE TABLE mart.spend (day date, campaign text, amount numeric(10,2))",
                "GRANT SELECT, INSERT ON mart.spend TO loader");
        ExternalDeliveryTest.execute(sluice.getPostgresDatabase(), "INSERT INTO dataset_rows (dataset_id, row_key, "
                + "run_id, record_no, date, campaign, channel, spend) VALUES "
                + "('" + DATASET + "', '[1]', '" + RUN + "', 1, '2024-05-01', 'Spring', 'search', 12.50), "
                + "('" + DATASET + "', '[2]', '" + RUN + "', 2, '2024-05-02', 'Summer', 'social', 0.10)");

        Clock clock = Clock.systemUTC();
        InMemoryDatasetRepository datasets = new InMemoryDatasetRepository();
        datasets.create(new Dataset(DATASET, "Spring ads", ALICE, DatasetKind.MARKETING, null, null, null, false,
                Instant.now(), Instant.now()));
        InMemoryRunRepository runs = new InMemoryRunRepository();
        runs.put(Run.created(RUN, ALICE, DATASET, "spring.csv", "bucket", "uploads/x", Run.RunSource.UPLOAD,
                RunStatus.SUCCEEDED, 10, Map.of(), Instant.now()));
        runs.put(Run.created(ROLLED_BACK_RUN, ALICE, DATASET, "autumn.csv", "bucket", "uploads/y",
                Run.RunSource.UPLOAD, RunStatus.ROLLED_BACK, 10, Map.of(), Instant.now()));
        ManageDatasets manageDatasets = new ManageDatasets(datasets, runs, UploadLimits.defaults().datasetLimits(),
                clock);
        DestinationStore store = new DestinationStore(pool, JSON);
        LocalSecretStore secrets = new LocalSecretStore(secretsDir.resolve("secrets"), secretsDir.resolve("key"));
        ExternalPostgres external = new ExternalPostgres();
        deliverRuns = new DeliverRuns(store, SENT::add, new DestinationRows(pool), external, secrets, clock);
        RunQueries queries = new RunQueries(runs, new InMemoryRecordRepository());
        api = new ApiFunction(new ApiWiring(null, new FinishUpload(null, runs, null), queries, manageDatasets, null,
                HttpCallers.verifiedTokenOnly(), JSON, clock, Duration.ofMinutes(12), () -> { },
                new SuggestMapping(null, UploadLimits.defaults().maxColumns()),
                ApiWiring.Families.NONE.withDestinations(new Destinations(
                        new ManageDestinations(manageDatasets, store, secrets, external, clock), deliverRuns))));
    }

    @AfterAll
    static void stop() throws Exception {
        pool.close();
        sluice.close();
        target.close();
    }

    private static APIGatewayV2HTTPResponse call(String method, String path, String body, String sub)
            throws Exception {
        APIGatewayV2HTTPEvent event = JSON.readValue(Path.of("../events", "api-post-uploads.json").toFile(),
                APIGatewayV2HTTPEvent.class);
        event.getRequestContext().getHttp().setMethod(method);
        int query = path.indexOf('?');
        event.setRawPath(query < 0 ? path : path.substring(0, query));
        event.setRawQueryString(query < 0 ? null : path.substring(query + 1));
        java.util.Map<String, String> parameters = new java.util.HashMap<>();
        if (query >= 0) {
            for (String pair : path.substring(query + 1).split("&")) {
                String[] parts = pair.split("=", 2);
                parameters.put(parts[0], parts[1]);
            }
        }
        event.setQueryStringParameters(parameters);
        event.setBody(body);
        event.getRequestContext().getAuthorizer().getJwt().getClaims().put("sub", sub);
        APIGatewayV2HTTPResponse response = api.handleRequest(event, new TestContext());
        assertFalse(String.valueOf(response.getBody()).contains(PASSWORD), response.getBody());
        return response;
    }

    /** The queued delivery messages through DeliveryFunction, as one SQS batch (message id: the destination). */
    private static SQSBatchResponse deliverSent() {
        SQSEvent event = new SQSEvent();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (DeliveryMessage message : SENT) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.destinationId());
            record.setBody(DeliveryMessageCodec.encode(JSON, message));
            records.add(record);
        }
        event.setRecords(records);
        return new DeliveryFunction(deliverRuns).handleRequest(event, new TestContext());
    }

    /** The run's delivery to destination {@code id} as {@code GET /api/runs/{id}/deliveries} lists it for Alice. */
    private static JsonNode deliveryOf(String runId, String id) throws Exception {
        for (JsonNode item : body(call("GET", "/api/runs/" + runId + "/deliveries", null, ALICE)).get("items")) {
            if (item.get("destinationId").asText().equals(id)) {
                return item;
            }
        }
        throw new AssertionError("run " + runId + " lists no delivery to " + id);
    }

    private static JsonNode body(APIGatewayV2HTTPResponse response) throws Exception {
        return JSON.readTree(response.getBody());
    }

    private static String create(String password) throws Exception {
        APIGatewayV2HTTPResponse created = call("POST", "/api/datasets/" + DATASET + "/destinations", """
                {"name": "Mart", "kind": "postgres", "host": "127.0.0.1", "port": %d, "database": "postgres",
                 "user": "loader", "password": "%s", "sslMode": "disable", "schema": "mart", "table": "spend",
                 "columns": {"day": "date", "campaign": "campaign", "amount": "spend"}, "strategy": "insert"}"""
                .formatted(target.getPort(), password), ALICE);
        assertEquals(201, created.getStatusCode(), created.getBody());
        return body(created).get("id").asText();
    }

    @Test
    void aDestinationIsCreatedWithItsPasswordHiddenAndOnlyItsOwnerSeesIt() throws Exception {
        String id = create(PASSWORD);
        JsonNode shown = body(call("GET", "/api/destinations/" + id, null, ALICE));
        assertEquals("***", shown.get("password").asText());
        assertEquals(JSON.readTree("{\"day\": \"date\", \"campaign\": \"campaign\", \"amount\": \"spend\"}"),
                shown.get("columns"));
        assertEquals("insert", shown.get("strategy").asText());
        assertEquals(404, call("GET", "/api/destinations/" + id, null, BOB).getStatusCode());
        assertEquals(404, call("POST", "/api/destinations/" + id + "/test", null, BOB).getStatusCode());
        assertEquals(404, call("GET", "/api/datasets/" + DATASET + "/destinations", null, BOB).getStatusCode());
        assertTrue(body(call("GET", "/api/datasets/" + DATASET + "/destinations", null, ALICE)).get("items")
                .findValuesAsText("id").contains(id));
        // Stored encrypted: no file of the secret store holds the password as text.
        try (var files = Files.walk(secretsDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(file).contains(PASSWORD), file.toString());
            }
        }

        APIGatewayV2HTTPResponse deleted = call("DELETE", "/api/destinations/" + id, null, ALICE);
        assertEquals(204, deleted.getStatusCode());
        assertEquals(404, call("GET", "/api/destinations/" + id, null, ALICE).getStatusCode());
    }

    @Test
    void testConnectionSaysOkOrNamesTheProblemWithoutThePassword() throws Exception {
        String id = create(PASSWORD);
        assertEquals(JSON.readTree("{\"ok\": true}"), body(call("POST", "/api/destinations/" + id + "/test", null,
                ALICE)));

        String wrong = "Wrong-Pa55-For-Test";
        assertEquals(200, call("PATCH", "/api/destinations/" + id, "{\"password\": \"" + wrong + "\"}", ALICE)
                .getStatusCode());
        APIGatewayV2HTTPResponse refused = call("POST", "/api/destinations/" + id + "/test", null, ALICE);
        assertFalse(refused.getBody().contains(wrong), refused.getBody());
        assertEquals("AUTH_FAILED", body(refused).get("code").asText());
        assertFalse(body(refused).get("ok").asBoolean());
        APIGatewayV2HTTPResponse schemas = call("GET", "/api/destinations/" + id + "/schemas", null, ALICE);
        assertEquals(502, schemas.getStatusCode());
        assertEquals("AUTH_FAILED", body(schemas).at("/error/code").asText());
        assertFalse(schemas.getBody().contains(wrong));
    }

    @Test
    void introspectionListsSchemasTablesAndColumns() throws Exception {
        String id = create(PASSWORD);
        assertTrue(body(call("GET", "/api/destinations/" + id + "/schemas", null, ALICE)).get("items")
                .toString().contains("\"mart\""));
        assertEquals(JSON.readTree("[\"spend\"]"), body(call("GET", "/api/destinations/" + id
                + "/tables?schema=mart", null, ALICE)).get("items"));
        assertEquals(JSON.readTree("[{\"name\": \"day\", \"type\": \"date\", \"nullable\": true},"
                + "{\"name\": \"campaign\", \"type\": \"text\", \"nullable\": true},"
                + "{\"name\": \"amount\", \"type\": \"numeric\", \"nullable\": true}]"),
                body(call("GET", "/api/destinations/" + id + "/columns?schema=mart&table=spend", null, ALICE))
                        .get("items"));
    }

    @Test
    void aFailedDeliveryIsRecordedRetriedByTheQueueAndLoggedWithoutThePassword() throws Exception {
        String wrong = "Logged-Never-Pa55-4242";
        String id = create(wrong);
        StringBuilder logs = new StringBuilder();
        List<Logger> loggers = List.of((Logger) LogManager.getLogger(SqsBatch.class),
                (Logger) LogManager.getLogger(DeliveryFunction.class),
                (Logger) LogManager.getLogger(DeliverRuns.class));
        AbstractAppender capture = new AbstractAppender("destination-capture", null, null, true,
                Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                synchronized (logs) {
                    logs.append(event.getMessage().getFormattedMessage()).append('\n');
                    for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                        logs.append(t).append('\n');
                    }
                }
            }
        };
        capture.start();
        loggers.forEach(logger -> logger.addAppender(capture));
        SQSBatchResponse response;
        try {
            SQSEvent event = new SQSEvent();
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId("m-" + id);
            record.setBody(DeliveryMessageCodec.encode(JSON, new DeliveryMessage(RUN, id)));
            event.setRecords(List.of(record));
            response = new DeliveryFunction(deliverRuns).handleRequest(event, new TestContext());
        } finally {
            loggers.forEach(logger -> logger.removeAppender(capture));
            capture.stop();
        }

        assertEquals(List.of("m-" + id), response.getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList(), "SQS delivers it again");
        assertTrue(logs.toString().contains("refused user 'loader'"), logs.toString());
        assertFalse(logs.toString().contains(wrong), "the password is never logged");
        JsonNode failed = null;
        for (JsonNode item : body(call("GET", "/api/runs/" + RUN + "/deliveries", null, ALICE)).get("items")) {
            if (item.get("destinationId").asText().equals(id)) {
                failed = item;
            }
        }
        assertEquals("failed", failed.get("status").asText());
        assertTrue(failed.get("error").asText().startsWith("AUTH_FAILED: "), failed.toString());
        assertFalse(failed.toString().contains(wrong));
        assertEquals(1, failed.get("attempts").asInt());

        // Fixed and resent: it goes back on the queue, pending.
        call("PATCH", "/api/destinations/" + id, "{\"password\": \"" + PASSWORD + "\"}", ALICE);
        SENT.clear();
        APIGatewayV2HTTPResponse resent = call("POST", "/api/runs/" + RUN + "/deliveries/" + id + "/resend", null,
                ALICE);
        assertEquals(202, resent.getStatusCode(), resent.getBody());
        assertEquals("pending", body(resent).get("status").asText());
        assertEquals(List.of(new DeliveryMessage(RUN, id)), SENT);
        assertEquals(DeliverRuns.Outcome.DELIVERED, deliverRuns.deliver(SENT.getFirst()));
    }

    @Test
    void badInputIsASpecificError() throws Exception {
        APIGatewayV2HTTPResponse wrongKind = call("POST", "/api/datasets/" + DATASET + "/destinations",
                "{\"name\": \"x\", \"kind\": \"mysql\"}", ALICE);
        assertEquals(400, wrongKind.getStatusCode());
        assertTrue(body(wrongKind).at("/error/message").asText().contains("'kind' must be postgres or redshift"));
        APIGatewayV2HTTPResponse upsertWithoutKey = call("POST", "/api/datasets/" + DATASET + "/destinations", """
                {"name": "x", "kind": "postgres", "host": "h", "port": 5432, "database": "d", "user": "u",
                 "password": "p", "schema": "s", "table": "t", "columns": {"a": "date"}, "strategy": "upsert"}""",
                ALICE);
        assertEquals(400, upsertWithoutKey.getStatusCode());
        assertTrue(body(upsertWithoutKey).at("/error/message").asText().startsWith("'key' is required"));
    }

    @Test
    void aPublishedRunIsDeliveredAndShownWithItsRowsAndCannotBeResentOnceDelivered() throws Exception {
        String id = create(PASSWORD);
        SENT.clear();
        deliverRuns.published(new PublishListener.Published(RUN, DATASET, "append"));
        assertEquals("pending", deliveryOf(RUN, id).get("status").asText());

        SQSBatchResponse response = deliverSent();
        // Other tests' destinations of this dataset may fail (one has a wrong password); this one must not.
        assertFalse(response.getBatchItemFailures().stream().anyMatch(f -> f.getItemIdentifier().equals(id)));

        JsonNode delivered = deliveryOf(RUN, id);
        assertEquals("delivered", delivered.get("status").asText());
        assertEquals(2, delivered.get("rows").asLong());
        assertEquals(1, delivered.get("attempts").asInt());
        assertEquals("Mart", delivered.get("name").asText());
        assertTrue(delivered.get("deliveredAt").isTextual());
        assertEquals(404, call("GET", "/api/runs/" + RUN + "/deliveries", null, BOB).getStatusCode());

        APIGatewayV2HTTPResponse resend = call("POST", "/api/runs/" + RUN + "/deliveries/" + id + "/resend", null,
                ALICE);
        assertEquals(409, resend.getStatusCode(), resend.getBody());
        assertEquals("ALREADY_DELIVERED", body(resend).at("/error/code").asText());
    }

    @Test
    void aRunRolledBackBeforeItsDeliveryIsShownSkippedAndItsResendIsRefused() throws Exception {
        String id = create(PASSWORD);
        ExternalDeliveryTest.execute(sluice.getPostgresDatabase(), "INSERT INTO records (run_id, record_no, line_no, "
                + "dataset_id, date, campaign, channel, spend) VALUES ('" + ROLLED_BACK_RUN + "', 1, 2, '" + DATASET
                + "', '2024-09-01', 'Autumn', 'search', 3.00)");
        PostgresPublisher publisher = new PostgresPublisher(pool);
        assertTrue(publisher.publish(new RunPublisher.Target(ROLLED_BACK_RUN, DATASET, DatasetKind.MARKETING,
                PublishStrategy.UPSERT, PublishSettings.MARKETING_KEY)).publishedNow());
        SENT.clear();
        deliverRuns.published(new PublishListener.Published(ROLLED_BACK_RUN, DATASET, "upsert"));
        publisher.rollback(ROLLED_BACK_RUN).orElseThrow();

        SQSBatchResponse response = deliverSent();
        assertEquals(List.of(), response.getBatchItemFailures(), "a skipped delivery is done, not retried");

        JsonNode skipped = deliveryOf(ROLLED_BACK_RUN, id);
        assertEquals("skipped", skipped.get("status").asText());
        assertTrue(skipped.get("rows").isNull());
        assertEquals("RUN_ROLLED_BACK: run " + ROLLED_BACK_RUN + " was rolled back before it was delivered; "
                + "nothing was sent", skipped.get("error").asText());
        try (var connection = target.getPostgresDatabase().getConnection();
                var statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT count(*) FROM mart.spend WHERE campaign = 'Autumn'")) {
            rows.next();
            assertEquals(0, rows.getLong(1), "nothing of the rolled-back run reached the target");
        }

        APIGatewayV2HTTPResponse resend = call("POST", "/api/runs/" + ROLLED_BACK_RUN + "/deliveries/" + id
                + "/resend", null, ALICE);
        assertEquals(409, resend.getStatusCode(), resend.getBody());
        assertEquals("RUN_ROLLED_BACK", body(resend).at("/error/code").asText());
        assertEquals("Run '" + ROLLED_BACK_RUN + "' was rolled back before it was delivered to destination 'Mart'; "
                + "it has no rows to send, so nothing is sent (the target table is left as it is)",
                body(resend).at("/error/message").asText());
    }
}
