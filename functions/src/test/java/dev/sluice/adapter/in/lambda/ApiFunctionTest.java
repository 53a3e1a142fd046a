package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.dataset.DatasetForRun;
import dev.sluice.application.dataset.DeleteDataset;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.identity.HttpCallers;
import dev.sluice.application.port.ObjectStore;
import dev.sluice.application.port.RecordRepository;
import dev.sluice.application.query.InMemoryRecords;
import dev.sluice.application.query.InMemoryRuns;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.application.twins.InMemoryRecordRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.upload.CreateUpload;
import dev.sluice.application.upload.FinishUpload;
import dev.sluice.application.upload.UploadLimits;
import dev.sluice.config.ApiWiring;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.DatasetLimits;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.dataset.SavedMapping;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.Run.RunSource;
import dev.sluice.domain.run.RunStatus;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

/** ApiFunction fed the real event fixtures in {@code events/}, with its use cases built on in-memory twins. */
class ApiFunctionTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Instant NOW = Instant.parse("2026-11-22T10:15:30Z");
    /** The fixture's caller ({@code sub} in its claims) and the run id its path names. */
    private static final String ALICE = "a1b2c3d4-e5f6-4789-8abc-def012345678";
    private static final String RUN_ID = "3f1c9a2e-8b7d-4c6e-9a1b-2d3e4f5a6b7c";

    private final InMemoryRuns runs = new InMemoryRuns();
    private final InMemoryRecords records = new InMemoryRecords();
    private final InMemoryDatasetRepository datasets = new InMemoryDatasetRepository();
    private final InMemoryRunRepository datasetRuns = new InMemoryRunRepository();
    private final List<String> presigned = new CopyOnWriteArrayList<>();

    private final ObjectStore objects = new ObjectStore() {
        @Override
        public InputStream open(String bucket, String key, ObjectVersion version) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream openRange(String bucket, String key, ObjectVersion version, long start, long end) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean exists(String bucket, String key) {
            return false;
        }

        @Override
        public PresignedPut presignPut(String bucket, String key, String contentType, long length, Duration ttl) {
            presigned.add(bucket + "/" + key + " " + contentType + " " + length);
            return new PresignedPut(URI.create("https://" + bucket + ".s3.amazonaws.com/" + key + "?X-Amz-Signature=s"),
                    Map.of("Content-Type", contentType, "If-None-Match", "*"), NOW.plus(ttl));
        }
    };

    private ApiFunction api(RecordRepository recordRepository) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        ManageDatasets manage = new ManageDatasets(datasets, datasetRuns, UploadLimits.defaults().datasetLimits(),
                clock);
        return new ApiFunction(new ApiWiring(
                new CreateUpload(objects, runs, "sluice-uploads", Duration.ofMinutes(15), 1L << 30,
                        new DatasetForRun(datasets, clock), clock),
                // No ledger: complete and abort are checked end to end (UploadSafetyEndToEndTest), not here.
                new FinishUpload(objects, runs, null),
                new RunQueries(runs, recordRepository), manage,
                new DeleteDataset(manage, datasets, datasetRuns, new InMemoryRecordRepository()),
                HttpCallers.verifiedTokenOnly(), JSON, clock, Duration.ofMinutes(12), () -> { }));
    }

    private final ApiFunction api = api(records);

    private static APIGatewayV2HTTPEvent fixture(String name) throws Exception {
        return JSON.readValue(Path.of("../events", name).toFile(), APIGatewayV2HTTPEvent.class);
    }

    private JsonNode body(APIGatewayV2HTTPResponse response) throws Exception {
        assertEquals("application/json", response.getHeaders().get("Content-Type"));
        return JSON.readTree(response.getBody());
    }

    private void storeRun(String runId, String owner) {
        runs.create(Run.created(runId, owner, "marketing", "march.csv", "sluice-uploads",
                "uploads/" + owner + "/" + runId + "/march.csv", RunSource.UPLOAD, RunStatus.CREATED, 2048, Map.of(),
                NOW.minusSeconds(60)));
    }

    @Test
    void theFixturesCarryTheClaimsAsApiGatewaySendsThem() throws Exception {
        Map<String, String> claims = fixture("api-get-run.json").getRequestContext().getAuthorizer().getJwt()
                .getClaims();
        assertEquals(ALICE, claims.get("sub"));
        assertEquals("[analysts]", claims.get("cognito:groups"), "API Gateway's form of an array claim");
    }

    @Test
    void theOwnerGetsTheirRun() throws Exception {
        storeRun(RUN_ID, ALICE);
        APIGatewayV2HTTPResponse response = api.handleRequest(fixture("api-get-run.json"), new TestContext());
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode run = body(response);
        assertEquals(RUN_ID, run.get("runId").asText());
        assertEquals("CREATED", run.get("status").asText());
        assertEquals(ALICE, run.get("owner").asText());
        assertFalse(run.get("stalled").asBoolean());
        assertEquals(2048, run.get("bytesTotal").asLong());
    }

    @Test
    void someoneElsesRunAnswersExactlyLikeAMissingOne() throws Exception {
        storeRun(RUN_ID, "bob");
        APIGatewayV2HTTPResponse other = api.handleRequest(fixture("api-get-run.json"), new TestContext());
        runs.finds.clear();
        APIGatewayV2HTTPEvent missingEvent = fixture("api-get-run.json");
        missingEvent.setRawPath("/api/runs/" + RUN_ID.replace('3', '4'));
        APIGatewayV2HTTPResponse missing = api.handleRequest(missingEvent, new TestContext());
        assertEquals(404, other.getStatusCode());
        assertEquals(missing.getStatusCode(), other.getStatusCode());
        assertEquals(missing.getHeaders(), other.getHeaders());
        assertEquals(missing.getBody().replace(RUN_ID.replace('3', '4'), RUN_ID), other.getBody());
        assertEquals("NOT_FOUND", body(other).at("/error/code").asText());
    }

    @Test
    void anAdminGetsAnyonesRun() throws Exception {
        storeRun(RUN_ID, "bob");
        APIGatewayV2HTTPEvent event = fixture("api-get-run.json");
        event.getRequestContext().getAuthorizer().getJwt().getClaims().put("cognito:groups", "[analysts admin]");
        APIGatewayV2HTTPResponse response = api.handleRequest(event, new TestContext());
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("bob", body(response).get("owner").asText());
    }

    @Test
    void anUploadIsFiledUnderTheCallerFromTheToken() throws Exception {
        // The fixture names dataset "marketing": one of the caller's.
        datasets.create(new Dataset("marketing", "Marketing", ALICE, DatasetKind.MARKETING, SavedMapping.NONE,
                ReadingSettings.AUTO, DatasetLimits.GLOBAL, false, NOW, NOW));
        APIGatewayV2HTTPResponse response = api.handleRequest(fixture("api-post-uploads.json"), new TestContext());
        assertEquals(201, response.getStatusCode(), response.getBody());
        JsonNode created = body(response);
        String runId = created.get("runId").asText();
        assertEquals("uploads/" + ALICE + "/" + runId + "/google-ads-march.csv", created.get("key").asText());
        assertEquals("PUT", created.get("method").asText());
        assertEquals("text/csv", created.at("/headers/Content-Type").asText());
        assertEquals(NOW.plus(Duration.ofMinutes(15)).toString(), created.get("expiresAt").asText());
        Run run = runs.find(runId).orElseThrow();
        assertEquals(ALICE, run.owner());
        assertEquals("marketing", run.datasetId());
        assertEquals(Map.of("spend", "Cost"), run.requestedMapping());
        assertEquals(List.of("sluice-uploads/" + created.get("key").asText() + " text/csv 2048"), presigned);
    }

    private APIGatewayV2HTTPResponse call(String method, String path, String body, String sub) throws Exception {
        APIGatewayV2HTTPEvent event = fixture("api-post-uploads.json");
        event.getRequestContext().getHttp().setMethod(method);
        event.setRawPath(path);
        event.setBody(body);
        event.getRequestContext().getAuthorizer().getJwt().getClaims().put("sub", sub);
        return api.handleRequest(event, new TestContext());
    }

    @Test
    void datasetsAreCreatedReadChangedListedAndDeletedByTheirOwnerOnly() throws Exception {
        APIGatewayV2HTTPResponse created = call("POST", "/api/datasets", "{\"name\": \"Spring ads\", \"mapping\": "
                + "{\"spend\": \"Cost\"}, \"settings\": {\"dateOrder\": \"dmy\"}, \"limits\": {\"maxColumns\": 50}}",
                ALICE);
        assertEquals(201, created.getStatusCode(), created.getBody());
        JsonNode dataset = body(created);
        String id = dataset.get("id").asText();
        assertEquals("marketing", dataset.get("kind").asText());
        assertEquals(ALICE, dataset.get("owner").asText());
        assertFalse(dataset.get("default").asBoolean());
        assertEquals("Cost", dataset.at("/mapping/columns/spend").asText());
        assertEquals("dmy", dataset.at("/settings/dateOrder").asText());
        assertEquals("auto", dataset.at("/settings/encoding").asText());
        assertEquals(50, dataset.at("/limits/maxColumns").asInt());
        assertEquals(UploadLimits.defaults().maxFieldBytes(), dataset.at("/limits/maxFieldBytes").asInt(),
                "the effective limits: the global one where the dataset sets none");

        assertEquals(dataset, body(call("GET", "/api/datasets/" + id, null, ALICE)));
        assertEquals(404, call("GET", "/api/datasets/" + id, null, "bob").getStatusCode());
        assertEquals(404, call("PATCH", "/api/datasets/" + id, "{\"name\": \"x\"}", "bob").getStatusCode());
        assertEquals(404, call("DELETE", "/api/datasets/" + id, null, "bob").getStatusCode());

        APIGatewayV2HTTPResponse patched = call("PATCH", "/api/datasets/" + id, "{\"name\": \"Autumn ads\"}", ALICE);
        assertEquals(200, patched.getStatusCode(), patched.getBody());
        assertEquals("Autumn ads", body(patched).get("name").asText());
        assertEquals("Cost", body(patched).at("/mapping/columns/spend").asText(), "unchanged");
        JsonNode listed = body(call("GET", "/api/datasets", null, ALICE));
        assertEquals(1, listed.get("datasets").size());
        assertEquals(0, body(call("GET", "/api/datasets", null, "bob")).get("datasets").size());
        JsonNode runsOf = body(call("GET", "/api/datasets/" + id + "/runs", null, ALICE));
        assertEquals(0, runsOf.get("runs").size());
        assertTrue(runsOf.get("next").isNull());

        APIGatewayV2HTTPResponse deleted = call("DELETE", "/api/datasets/" + id, null, ALICE);
        assertEquals(204, deleted.getStatusCode(), deleted.getBody());
        assertEquals(null, deleted.getBody());
        assertEquals(404, call("GET", "/api/datasets/" + id, null, ALICE).getStatusCode());
    }

    @Test
    void aWrongDatasetValueIsA400NamingTheField() throws Exception {
        Map<String, String> refusals = Map.of(
                "{\"name\": \"a\", \"kind\": \"excel\"}", "'kind' must be marketing",
                "{\"name\": \"a\", \"settings\": {\"dateOrder\": \"dym\"}}", "'settings.dateOrder' must be one of",
                "{\"name\": \"a\", \"settings\": {\"encoding\": \"klingon\"}}", "'settings.encoding' must be auto",
                "{\"name\": \"a\", \"settings\": {\"color\": \"red\"}}", "'settings.color' is not a setting",
                "{\"name\": \"a\", \"limits\": {\"maxColumns\": 0}}", "'limits.maxColumns' must be a whole number",
                "{\"name\": \"a\", \"mapping\": {\"cost\": \"Cost\"}}", "'mapping' names unknown field 'cost'",
                "{\"kind\": \"raw\"}", "'name' is required");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            APIGatewayV2HTTPResponse response = call("POST", "/api/datasets", refusal.getKey(), ALICE);
            assertEquals(400, response.getStatusCode(), refusal.getKey());
            assertEquals("INVALID_REQUEST", body(response).at("/error/code").asText());
            assertTrue(body(response).at("/error/message").asText().startsWith(refusal.getValue()),
                    refusal.getKey() + " -> " + response.getBody());
        }
        assertEquals(List.of(), datasets.listByOwner(ALICE));
    }

    @Test
    void aFieldTheDatasetRoutesDoNotHaveIsA400NamingItInsteadOfBeingIgnored() throws Exception {
        String fields = "use kind, limits, mapping, name, publish, publishKey, review, settings";
        APIGatewayV2HTTPResponse typo = call("POST", "/api/datasets",
                "{\"name\": \"typo\", \"publish\": \"upsert\", \"publishKey\": [\"date\"], \"reveiw\": true}", ALICE);
        assertEquals(400, typo.getStatusCode(), typo.getBody());
        assertEquals("INVALID_REQUEST", body(typo).at("/error/code").asText());
        assertEquals("'reveiw' is not a field of this request; " + fields, body(typo).at("/error/message").asText());
        assertEquals(List.of(), datasets.listByOwner(ALICE), "nothing was created");

        String id = body(call("POST", "/api/datasets", "{\"name\": \"Spring ads\", \"review\": true}", ALICE))
                .get("id").asText();
        APIGatewayV2HTTPResponse patched = call("PATCH", "/api/datasets/" + id,
                "{\"name\": \"Autumn ads\", \"bogus\": false}", ALICE);
        assertEquals(400, patched.getStatusCode(), patched.getBody());
        assertEquals("'bogus' is not a field of this request; " + fields, body(patched).at("/error/message").asText());
        JsonNode unchanged = body(call("GET", "/api/datasets/" + id, null, ALICE));
        assertEquals("Spring ads", unchanged.get("name").asText(), "nothing was changed");
        assertTrue(unchanged.get("review").asBoolean());
    }

    @Test
    void anUploadIntoSomeoneElsesOrAnUnknownDatasetIsNotFoundAndWithoutOneGoesToTheDefault() throws Exception {
        datasets.create(new Dataset("ds_bob", "Bob's", "bob", DatasetKind.MARKETING, SavedMapping.NONE,
                ReadingSettings.AUTO, DatasetLimits.GLOBAL, false, NOW, NOW));
        String upload = "{\"fileName\": \"a.csv\", \"contentLength\": 10, \"datasetId\": \"ds_bob\"}";
        APIGatewayV2HTTPResponse refused = call("POST", "/api/uploads", upload, ALICE);
        assertEquals(404, refused.getStatusCode(), refused.getBody());
        assertEquals("No dataset with id 'ds_bob'", body(refused).at("/error/message").asText());
        APIGatewayV2HTTPResponse fallback = call("POST", "/api/uploads",
                "{\"fileName\": \"a.csv\", \"contentLength\": 10}", ALICE);
        assertEquals(201, fallback.getStatusCode(), fallback.getBody());
        Run run = runs.find(body(fallback).get("runId").asText()).orElseThrow();
        assertEquals(datasets.defaultFor(ALICE, NOW).id(), run.datasetId());
        assertTrue(datasets.find(run.datasetId()).orElseThrow().isDefault());
    }

    @Test
    void aRunShowsItsDatasetsKindAndARunWithoutAStoredDatasetReadsAsMarketing() throws Exception {
        datasets.create(new Dataset("ds_raw", "Raw", ALICE, DatasetKind.RAW, SavedMapping.NONE, ReadingSettings.AUTO,
                DatasetLimits.GLOBAL, false, NOW, NOW));
        runs.create(Run.created(RUN_ID, ALICE, "ds_raw", "any.csv", "sluice-uploads", "uploads/" + ALICE + "/"
                + RUN_ID + "/any.csv", RunSource.UPLOAD, RunStatus.CREATED, 10, Map.of(), NOW));
        assertEquals("raw", body(call("GET", "/api/runs/" + RUN_ID, null, ALICE)).get("datasetKind").asText());
        assertEquals("raw", body(call("GET", "/api/runs", null, ALICE)).at("/items/0/datasetKind").asText());
        String other = RUN_ID.replace('3', '4');
        storeRun(other, ALICE);
        assertEquals("marketing", body(call("GET", "/api/runs/" + other, null, ALICE)).get("datasetKind").asText());
    }

    @Test
    void meIsTheCallerAsTheTokenNamesThem() throws Exception {
        APIGatewayV2HTTPEvent event = fixture("api-get-run.json");
        event.setRawPath("/api/me");
        JsonNode me = body(api.handleRequest(event, new TestContext()));
        assertEquals(JSON.readTree("{\"sub\":\"" + ALICE + "\",\"email\":\"alice@example.com\","
                + "\"groups\":[\"analysts\"],\"admin\":false}"), me);
    }

    @Test
    void withoutClaimsTheRequestIsUnauthenticated() throws Exception {
        storeRun(RUN_ID, ALICE);
        APIGatewayV2HTTPEvent event = fixture("api-get-run.json");
        event.getRequestContext().setAuthorizer(null);
        APIGatewayV2HTTPResponse response = api.handleRequest(event, new TestContext());
        assertEquals(401, response.getStatusCode());
        assertEquals("UNAUTHENTICATED", body(response).at("/error/code").asText());
        assertEquals(List.of(), runs.finds, "nothing is read for an unknown caller");
    }

    @Test
    void anotherMethodOnAKnownPathIs405AndAnUnknownPathIs404() throws Exception {
        APIGatewayV2HTTPEvent delete = fixture("api-get-run.json");
        delete.getRequestContext().getHttp().setMethod("DELETE");
        APIGatewayV2HTTPResponse refused = api.handleRequest(delete, new TestContext());
        assertEquals(405, refused.getStatusCode());
        assertEquals("GET", refused.getHeaders().get("Allow"));
        assertEquals("METHOD_NOT_ALLOWED", body(refused).at("/error/code").asText());
        APIGatewayV2HTTPEvent unknown = fixture("api-get-run.json");
        unknown.setRawPath("/api/runs/" + RUN_ID + "/everything");
        APIGatewayV2HTTPResponse none = api.handleRequest(unknown, new TestContext());
        assertEquals(404, none.getStatusCode());
        assertEquals("NOT_FOUND", body(none).at("/error/code").asText());
    }

    @Test
    void anInternalFaultAnswersOnlyTheRequestIdWhichTheLogLineCarriesWithTheDetails() throws Exception {
        storeRun(RUN_ID, ALICE);
        RecordRepository broken = new RecordRepository() {
            @Override
            public LoadResult load(ChunkMessage chunk, String datasetId, ChunkParse parse) {
                throw new UnsupportedOperationException();
            }

            @Override
            public LedgerEntry markDead(ChunkMessage chunk, String reason) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Page<StoredRecord> records(String runId, long afterRecordNo, int limit) {
                throw new IllegalStateException("ERROR: relation \"records\" does not exist: SELECT record_no FROM "
                        + "records WHERE run_id = ? (/var/task/lib/postgresql.jar)");
            }

            @Override
            public Page<StoredError> errors(String runId, ErrorCursor after, int limit) {
                throw new UnsupportedOperationException();
            }
        };
        APIGatewayV2HTTPEvent event = fixture("api-get-run.json");
        event.setRawPath("/api/runs/" + RUN_ID + "/records");
        List<LogEvent> logged = new CopyOnWriteArrayList<>();
        APIGatewayV2HTTPResponse response;
        Logger logger = (Logger) LogManager.getLogger(ApiFunction.class);
        AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent logEvent) {
                logged.add(logEvent.toImmutable());
            }
        };
        capture.start();
        logger.addAppender(capture);
        try {
            response = api(broken).handleRequest(event, new TestContext());
        } finally {
            logger.removeAppender(capture);
            capture.stop();
        }
        assertEquals(500, response.getStatusCode());
        JsonNode error = body(response).get("error");
        assertEquals("INTERNAL", error.get("code").asText());
        String requestId = event.getRequestContext().getRequestId();
        assertEquals(requestId, error.get("requestId").asText(), "the fixture's requestContext.requestId");
        for (String secret : List.of("SELECT", "relation", "IllegalStateException", "java.", "/var/task", "at dev.",
                "Exception")) {
            assertFalse(response.getBody().contains(secret), secret + " leaked: " + response.getBody());
        }
        assertEquals(1, logged.size(), "one line for the fault");
        LogEvent line = logged.getFirst();
        assertTrue(line.getMessage().getFormattedMessage().contains(requestId),
                line.getMessage().getFormattedMessage());
        assertNotNull(line.getThrown(), "the log line keeps the fault's stack trace");
        assertTrue(line.getThrown().getMessage().contains("relation \"records\""));
    }

    @Test
    void pagesOfRecordsContinueAtTheirCursor() throws Exception {
        storeRun(RUN_ID, ALICE);
        for (long n = 1; n <= 3; n++) {
            records.add(RUN_ID, new RecordRepository.StoredRecord(n, n + 1, null, "c" + n, "search", null, n, null,
                    null, "{\"Note\":\"x\"}"));
        }
        APIGatewayV2HTTPEvent event = fixture("api-get-run.json");
        event.setRawPath("/api/runs/" + RUN_ID + "/records");
        Map<String, String> query = new HashMap<>(Map.of("limit", "2"));
        event.setQueryStringParameters(query);
        JsonNode first = body(api.handleRequest(event, new TestContext()));
        assertEquals(2, first.get("items").size());
        assertEquals("x", first.at("/items/0/extra/Note").asText());
        query.put("cursor", first.get("nextCursor").asText());
        JsonNode second = body(api.handleRequest(event, new TestContext()));
        assertEquals(3, second.at("/items/0/record").asLong());
        assertTrue(second.get("nextCursor").isNull());
    }
}
