package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.identity.HttpCallers;
import dev.sluice.application.upload.UploadLimits;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.mapping.SuggestMapping;
import dev.sluice.application.query.InMemoryRecords;
import dev.sluice.application.query.InMemoryRuns;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.application.upload.FinishUpload;
import dev.sluice.config.ApiWiring;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.SavedMapping;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /api/mappings/suggest} through ApiFunction, from the real upload event fixture with another body. */
class MappingSuggestApiTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Instant NOW = Instant.parse("2026-11-22T10:15:30Z");
    /** The fixture's caller ({@code sub} in its claims). */
    private static final String ALICE = "a1b2c3d4-e5f6-4789-8abc-def012345678";
    private static final int MAX_COLUMNS = 20;

    private final InMemoryDatasetRepository datasets = new InMemoryDatasetRepository();
    private final ApiFunction api;

    MappingSuggestApiTest() {
        InMemoryRuns runs = new InMemoryRuns();
        api = new ApiFunction(new ApiWiring(null, new FinishUpload(null, runs, null),
                new RunQueries(runs, new InMemoryRecords()), new ManageDatasets(datasets, new InMemoryRunRepository(),
                        UploadLimits.defaults().datasetLimits(), Clock.fixed(NOW, ZoneOffset.UTC)), null,
                HttpCallers.verifiedTokenOnly(), JSON,
                Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(12), () -> { },
                new SuggestMapping(datasets, MAX_COLUMNS), null, null, null, null));
    }

    private APIGatewayV2HTTPResponse post(String body) throws Exception {
        APIGatewayV2HTTPEvent event = JSON.readValue(Path.of("../events", "api-post-uploads.json").toFile(),
                APIGatewayV2HTTPEvent.class);
        event.setRawPath("/api/mappings/suggest");
        event.getRequestContext().getHttp().setPath("/api/mappings/suggest");
        event.setBody(body);
        return api.handleRequest(event, new TestContext());
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        assertEquals("application/json", response.getHeaders().get("Content-Type"));
        return JSON.readTree(response.getBody());
    }

    @Test
    void aGermanExportIsSuggestedWithConfidencesAndReasons() throws Exception {
        APIGatewayV2HTTPResponse response = post("""
                {"header": ["Tag", "Kampagne", "Kanal", "Kosten", "Klicks", "Notiz"],
                 "rows": [["01.03.2024", "Frühjahr", "google", "1.234,56", "1.204", "x"],
                          ["02.03.2024", "Marke", "facebook", "99,00", "87", null]]}""");
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        assertEquals(JSON.readTree("""
                {"header": "Tag", "confidence": 0.98, "reason": "German name for date; the values are dates"}"""),
                body.at("/mapping/date"));
        assertEquals("Kosten", body.at("/mapping/spend/header").asText());
        assertEquals("German or Dutch name for spend; the values are money amounts",
                body.at("/mapping/spend/reason").asText());
        assertEquals(List.of("date", "campaign", "channel", "spend", "clicks"), fieldNames(body.get("mapping")));
        assertEquals("suggested", body.get("source").asText());
        assertEquals(JSON.readTree("[\"Notiz\"]"), body.get("unmapped"));
        assertEquals(JSON.readTree("[]"), body.get("conflicts"));
    }

    @Test
    void twoColumnsForOneFieldAreAConflictAndOnlyOneIsMapped() throws Exception {
        JsonNode body = json(post("{\"header\": [\"Date\", \"Campaign\", \"Channel\", \"Cost\", \"Spend\"]}"));
        assertEquals("Spend", body.at("/mapping/spend/header").asText());
        assertEquals(JSON.readTree("[{\"field\": \"spend\", \"headers\": [\"Spend\", \"Cost\"]}]"),
                body.get("conflicts"));
        assertEquals(JSON.readTree("[\"Cost\"]"), body.get("unmapped"));
    }

    @Test
    void aDatasetsSavedMappingThatFitsTheHeaderIsProposedAsSaved() throws Exception {
        datasets.create(new Dataset("ds_spring", "Spring ads", ALICE, DatasetKind.MARKETING,
                new SavedMapping(List.of("Day", "Camp", "Src", "Money"),
                        Map.of("date", "Day", "campaign", "Camp", "channel", "Src", "spend", "Money")),
                null, null, false, NOW, NOW));
        JsonNode saved = json(post("""
                {"header": ["Day", "Camp", "Src", "Money", "Clicks", "Cost"], "datasetId": "ds_spring"}"""));
        assertEquals("saved", saved.get("source").asText());
        assertEquals(JSON.readTree("""
                {"header": "Money", "confidence": 1.0, "reason": "saved on the dataset"}"""),
                saved.at("/mapping/spend"));
        assertEquals("Clicks", saved.at("/mapping/clicks/header").asText(), "the other columns are suggested");
        assertEquals(JSON.readTree("[{\"field\": \"spend\", \"headers\": [\"Money\", \"Cost\"]}]"),
                saved.get("conflicts"));
        assertEquals(JSON.readTree("[\"Cost\"]"), saved.get("unmapped"));

        JsonNode other = json(post("{\"header\": [\"Date\", \"Campaign\", \"Money\"], \"datasetId\": \"ds_spring\"}"));
        assertEquals("suggested", other.get("source").asText(), "the saved mapping names columns this file lacks");
    }

    @Test
    void someoneElsesDatasetAnswersLikeAMissingOne() throws Exception {
        datasets.create(new Dataset("ds_bob", "Bob's", "bob", DatasetKind.MARKETING, null, null, null, false, NOW,
                NOW));
        APIGatewayV2HTTPResponse others = post("{\"header\": [\"Date\"], \"datasetId\": \"ds_bob\"}");
        APIGatewayV2HTTPResponse missing = post("{\"header\": [\"Date\"], \"datasetId\": \"ds_nobody\"}");
        assertEquals(404, others.getStatusCode());
        assertEquals(404, missing.getStatusCode());
        assertEquals("NOT_FOUND", json(others).at("/error/code").asText());
        assertEquals(missing.getBody().replace("ds_nobody", "ds_bob"), others.getBody());
    }

    @Test
    void badRequestsNameTheField() throws Exception {
        assertInvalid("{}", "'header' is required");
        assertInvalid("{\"header\": \"Date,Cost\"}", "'header' is required");
        assertInvalid("{\"header\": [\"Date\", 3]}", "'header' must hold only strings; item 2 is not one");
        assertInvalid("{\"header\": []}", "'header' is required");
        assertInvalid("{\"header\": [\"Date\"], \"rows\": {\"a\": 1}}", "'rows' must be an array");
        assertInvalid("{\"header\": [\"Date\"], \"rows\": [[\"a\", [1]]]}", "'rows' row 1, value 2 must be a string");
        assertInvalid("{\"header\": [\"Date\"], \"datasetId\": \"../x\"}", "'datasetId' must be 1-64 letters");
        ObjectNode wide = JSON.createObjectNode();
        ArrayNode header = wide.putArray("header");
        for (int i = 0; i <= MAX_COLUMNS; i++) {
            header.add("c" + i);
        }
        JsonNode error = assertInvalid(wide.toString(), "'header' has 21 columns; the limit is 20 (MAX_COLUMNS)");
        assertEquals("MAX_COLUMNS", error.get("limit").asText());
        assertEquals(20, error.get("max").asInt());
        assertEquals(21, error.get("value").asInt());
        ObjectNode tall = JSON.createObjectNode();
        tall.putArray("header").add("Date");
        ArrayNode rows = tall.putArray("rows");
        for (int i = 0; i < 51; i++) {
            rows.addArray().add("2024-03-01");
        }
        assertInvalid(tall.toString(), "'rows' has 51 rows; send at most 50");
    }

    private JsonNode assertInvalid(String body, String messageStart) throws Exception {
        APIGatewayV2HTTPResponse response = post(body);
        assertEquals(400, response.getStatusCode(), response.getBody());
        JsonNode error = json(response).get("error");
        assertEquals("INVALID_REQUEST", error.get("code").asText());
        assertTrue(error.get("message").asText().startsWith(messageStart), error.toString());
        return error;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.properties().forEach(e -> names.add(e.getKey()));
        return names;
    }
}
