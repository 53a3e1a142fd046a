package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.out.secrets.LocalSecretStore;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.identity.HttpCallers;
import dev.sluice.application.mapping.SuggestMapping;
import dev.sluice.application.port.PullScheduler;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.source.ManageSources;
import dev.sluice.application.source.SourceCheckpoints;
import dev.sluice.application.source.SourceUseCases;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.application.twins.InMemoryRecordRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.twins.InMemorySourceRepository;
import dev.sluice.application.upload.FinishUpload;
import dev.sluice.application.upload.UploadLimits;
import dev.sluice.config.ApiWiring;
import dev.sluice.config.Json;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.source.Source;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source routes through ApiFunction over the repository twins and the encrypted local secret store: how a
 * schedule and its time zone are created, changed and refused, and what a missing source answers. The scheduler is a
 * twin that remembers what it was given, so a test sees whether a change re-armed the schedule.
 */
class SourceApiTest {
    private static final ObjectMapper JSON = Json.mapper();
    private static final String ALICE = "a1b2c3d4-e5f6-4789-8abc-def012345678";
    private static final String BOB = "b0b0b0b0-e5f6-4789-8abc-def012345678";
    private static final String DATASET = "ds_00000000000000000abc";

    @TempDir
    Path secretsDir;

    private ApiFunction api;
    private final List<Source> armed = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        Clock clock = Clock.systemUTC();
        InMemoryDatasetRepository datasets = new InMemoryDatasetRepository();
        datasets.create(new Dataset(DATASET, "Pulled", ALICE, DatasetKind.RAW, null, null, null, false,
                Instant.now(), Instant.now()));
        InMemoryRunRepository runs = new InMemoryRunRepository();
        ManageDatasets manageDatasets = new ManageDatasets(datasets, runs, UploadLimits.defaults().datasetLimits(),
                clock);
        InMemorySourceRepository sources = new InMemorySourceRepository();
        SourceCheckpoints checkpoints = new SourceCheckpoints(sources, runs, clock, Duration.ofMinutes(15),
                SourceCheckpoints.Advance.WHEN_RUN_FINISHED);
        PullScheduler scheduler = new PullScheduler() {
            @Override
            public void put(Source source) {
                armed.add(source);
            }

            @Override
            public void remove(String sourceId) {
                armed.removeIf(s -> s.id().equals(sourceId));
            }
        };
        ManageSources manage = new ManageSources(sources, manageDatasets, new LocalSecretStore(
                secretsDir.resolve("secrets"), secretsDir.resolve("key")), scheduler, checkpoints, JSON, clock);
        api = new ApiFunction(new ApiWiring(null, new FinishUpload(null, runs, null),
                new RunQueries(runs, new InMemoryRecordRepository()), manageDatasets, null,
                HttpCallers.verifiedTokenOnly(), JSON, clock, Duration.ofMinutes(12), () -> { },
                new SuggestMapping(null, UploadLimits.defaults().maxColumns()),
                ApiWiring.Families.NONE.withSources(new SourceUseCases(manage, null, checkpoints, null))));
    }

    @Test
    void aTimezoneAloneMovesTheStoredScheduleIntoItAndReArmsIt() throws Exception {
        JsonNode created = created("""
                {"kind": "csv-url", "url": "https://example.org/a.csv", "schedule": "cron(0 6 * * ? *)",
                 "timezone": "Europe/Berlin"}""");
        String id = created.get("id").asText();
        assertEquals("Europe/Berlin", created.get("timezone").asText());

        APIGatewayV2HTTPResponse moved = call("PATCH", "/api/sources/" + id, "{\"timezone\": \"Europe/Paris\"}");
        assertEquals(200, moved.getStatusCode(), moved.getBody());
        assertEquals("cron(0 6 * * ? *)", body(moved).get("schedule").asText());
        assertEquals("Europe/Paris", body(moved).get("timezone").asText());
        assertEquals("Europe/Paris", body(call("GET", "/api/sources/" + id, null)).get("timezone").asText());
        Source last = armed.get(armed.size() - 1);
        assertEquals(id, last.id());
        assertEquals("Europe/Paris", last.schedule().timezone().getId(), "the scheduler was given the new zone");
    }

    @Test
    void aNewExpressionKeepsTheTimezoneUnlessOneIsGiven() throws Exception {
        String id = created("""
                {"kind": "csv-url", "url": "https://example.org/a.csv", "schedule": "rate(1 hour)",
                 "timezone": "Asia/Tokyo"}""").get("id").asText();
        JsonNode changed = body(call("PATCH", "/api/sources/" + id, "{\"schedule\": \"cron(0 7 * * ? *)\"}"));
        assertEquals("cron(0 7 * * ? *)", changed.get("schedule").asText());
        assertEquals("Asia/Tokyo", changed.get("timezone").asText());
        JsonNode both = body(call("PATCH", "/api/sources/" + id,
                "{\"schedule\": \"rate(2 hours)\", \"timezone\": \"UTC\"}"));
        assertEquals("rate(2 hours)", both.get("schedule").asText());
        assertEquals("UTC", both.get("timezone").asText());
    }

    @Test
    void aTimezoneWithoutAScheduleIsRefusedNamingTimezone() throws Exception {
        APIGatewayV2HTTPResponse post = call("POST", "/api/datasets/" + DATASET + "/sources",
                "{\"kind\": \"csv-url\", \"url\": \"https://example.org/a.csv\", \"timezone\": \"Europe/Paris\"}");
        assertEquals(400, post.getStatusCode(), post.getBody());
        assertError(post, "INVALID_SCHEDULE", "Field 'timezone'");

        String id = created("{\"kind\": \"csv-url\", \"url\": \"https://example.org/a.csv\"}").get("id").asText();
        APIGatewayV2HTTPResponse patch = call("PATCH", "/api/sources/" + id, "{\"timezone\": \"Mars/Olympus\"}");
        assertEquals(400, patch.getStatusCode(), patch.getBody());
        assertError(patch, "INVALID_SCHEDULE", "Field 'timezone'");
        APIGatewayV2HTTPResponse valid = call("PATCH", "/api/sources/" + id, "{\"timezone\": \"Europe/Paris\"}");
        assertEquals(400, valid.getStatusCode(), valid.getBody());
        assertError(valid, "INVALID_SCHEDULE", "Field 'timezone': a time zone belongs to a schedule");
        JsonNode unchanged = body(call("GET", "/api/sources/" + id, null));
        assertTrue(unchanged.get("schedule").isNull() && unchanged.get("timezone").isNull(), unchanged::toString);

        String scheduled = created("""
                {"kind": "csv-url", "url": "https://example.org/b.csv", "schedule": "rate(1 hour)",
                 "timezone": "Europe/Berlin"}""").get("id").asText();
        APIGatewayV2HTTPResponse cleared = call("PATCH", "/api/sources/" + scheduled,
                "{\"schedule\": null, \"timezone\": \"Europe/Paris\"}");
        assertEquals(400, cleared.getStatusCode(), cleared.getBody());
        assertError(cleared, "INVALID_SCHEDULE", "Field 'timezone'");
        JsonNode removed = body(call("PATCH", "/api/sources/" + scheduled, "{\"schedule\": null}"));
        assertTrue(removed.get("schedule").isNull() && removed.get("timezone").isNull(), removed::toString);
    }

    @Test
    void aBadTimezoneWithAScheduleIsNamedAsTimezone() throws Exception {
        APIGatewayV2HTTPResponse bad = call("POST", "/api/datasets/" + DATASET + "/sources", """
                {"kind": "csv-url", "url": "https://example.org/a.csv", "schedule": "rate(1 hour)",
                 "timezone": "Mars/Olympus"}""");
        assertEquals(400, bad.getStatusCode(), bad.getBody());
        assertError(bad, "INVALID_SCHEDULE", "Field 'timezone': 'Mars/Olympus' is not an IANA time zone");
        APIGatewayV2HTTPResponse expression = call("POST", "/api/datasets/" + DATASET + "/sources", """
                {"kind": "csv-url", "url": "https://example.org/a.csv", "schedule": "every hour"}""");
        assertError(expression, "INVALID_SCHEDULE", "Field 'schedule'");
    }

    @Test
    void someoneElsesSourceAndAMissingOneAnswer404NotFoundAlike() throws Exception {
        String id = created("{\"kind\": \"csv-url\", \"url\": \"https://example.org/a.csv\"}").get("id").asText();
        String missing = "00000000-0000-4000-8000-000000000000";
        for (String[] request : new String[][] {{"GET", ""}, {"PATCH", ""}, {"DELETE", ""}, {"POST", "/pull"},
            {"GET", "/pulls"}}) {
            String body = request[0].equals("PATCH") ? "{\"enabled\": false}" : request[0].equals("POST") ? "{}" : null;
            APIGatewayV2HTTPResponse theirs = call(request[0], "/api/sources/" + id + request[1], body, BOB);
            assertEquals(404, theirs.getStatusCode(), theirs.getBody());
            assertError(theirs, "NOT_FOUND", "No source with id '" + id + "'");
            APIGatewayV2HTTPResponse none = call(request[0], "/api/sources/" + missing + request[1], body, ALICE);
            assertEquals(404, none.getStatusCode(), none.getBody());
            assertError(none, "NOT_FOUND", "No source with id '" + missing + "'");
        }
        assertTrue(body(call("GET", "/api/sources/" + id, null)).get("enabled").asBoolean(), "Bob changed nothing");
        APIGatewayV2HTTPResponse otherDataset = call("GET", "/api/datasets/" + DATASET + "/sources", null, BOB);
        assertError(otherDataset, "NOT_FOUND", "No dataset with id");
        APIGatewayV2HTTPResponse unknownField = call("PATCH", "/api/sources/" + id, "{\"colour\": \"red\"}");
        assertError(unknownField, "INVALID_SOURCE", "Field 'colour' is not a source field");
    }

    private JsonNode created(String body) throws Exception {
        APIGatewayV2HTTPResponse created = call("POST", "/api/datasets/" + DATASET + "/sources", body);
        assertEquals(201, created.getStatusCode(), created.getBody());
        return body(created);
    }

    private static void assertError(APIGatewayV2HTTPResponse response, String code, String messageStart)
            throws Exception {
        JsonNode error = body(response).get("error");
        assertEquals(code, error.get("code").asText(), response.getBody());
        assertTrue(error.get("message").asText().startsWith(messageStart), response.getBody());
    }

    private APIGatewayV2HTTPResponse call(String method, String path, String body) throws Exception {
        return call(method, path, body, ALICE);
    }

    private APIGatewayV2HTTPResponse call(String method, String path, String body, String sub) throws Exception {
        APIGatewayV2HTTPEvent event = JSON.readValue(Path.of("../events", "api-post-uploads.json").toFile(),
                APIGatewayV2HTTPEvent.class);
        event.getRequestContext().getHttp().setMethod(method);
        event.setRawPath(path);
        event.setRawQueryString(null);
        event.setQueryStringParameters(java.util.Map.of());
        event.setBody(body);
        event.getRequestContext().getAuthorizer().getJwt().getClaims().put("sub", sub);
        return api.handleRequest(event, new TestContext());
    }

    private static JsonNode body(APIGatewayV2HTTPResponse response) throws Exception {
        return JSON.readTree(response.getBody());
    }
}
