package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.identity.HttpCallers;
import dev.sluice.application.mapping.PreviewMapping;
import dev.sluice.application.mapping.SuggestMapping;
import dev.sluice.application.query.InMemoryRecords;
import dev.sluice.application.query.InMemoryRuns;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.upload.FinishUpload;
import dev.sluice.application.upload.UploadLimits;
import dev.sluice.config.ApiWiring;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.SavedMapping;
import dev.sluice.domain.transform.FieldTransform;
import dev.sluice.domain.transform.Transforms;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /api/mappings/preview} through ApiFunction, from the real upload event fixture with another body. */
class MappingPreviewApiTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Instant NOW = Instant.parse("2026-11-22T10:15:30Z");
    /** The fixture's caller ({@code sub} in its claims). */
    private static final String ALICE = "a1b2c3d4-e5f6-4789-8abc-def012345678";

    private final InMemoryDatasetRepository datasets = new InMemoryDatasetRepository();
    private final ApiFunction api;

    MappingPreviewApiTest() {
        InMemoryRuns runs = new InMemoryRuns();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        api = new ApiFunction(new ApiWiring(null, new FinishUpload(null, runs, null),
                new RunQueries(runs, new InMemoryRecords()), new ManageDatasets(datasets, new InMemoryRunRepository(),
                        UploadLimits.defaults().datasetLimits(), clock), null,
                HttpCallers.verifiedTokenOnly(), JSON, clock, Duration.ofMinutes(12), () -> { },
                new SuggestMapping(datasets, 200),
                ApiWiring.Families.NONE.withPreviewMapping(new PreviewMapping(datasets))));
    }

    private APIGatewayV2HTTPResponse post(String body) throws Exception {
        APIGatewayV2HTTPEvent event = JSON.readValue(Path.of("../events", "api-post-uploads.json").toFile(),
                APIGatewayV2HTTPEvent.class);
        event.setRawPath("/api/mappings/preview");
        event.getRequestContext().getHttp().setPath("/api/mappings/preview");
        event.setBody(body);
        return api.handleRequest(event, new TestContext());
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        assertEquals("application/json", response.getHeaders().get("Content-Type"));
        return JSON.readTree(response.getBody());
    }

    @Test
    void eachRowShowsWhatTheTransformationsMakeAndMarksWhatFails() throws Exception {
        APIGatewayV2HTTPResponse response = post("""
                {"header": ["Tag", "Kampagne", "Kanal", "Kosten", "Klicks"],
                 "rows": [["01.03.2024", " spring ", "google", "1.234,50", "100"],
                          ["02.03.2024", "brand", "", "abc", "0"]],
                 "mapping": {
                   "date": {"column": "Tag", "transform": ["parse_date('dd.MM.yyyy')"]},
                   "campaign": {"column": "Kampagne", "transform": ["trim", "upper"]},
                   "channel": {"column": "Kanal", "transform": ["default('unknown')"]},
                   "spend": {"column": "Kosten", "transform": ["parse_number('de-DE')"]},
                   "clicks": "Klicks",
                   "conversions": {"expression": "if(clicks > 0, parse_number(Kosten, 'de-DE') / clicks, null)"}
                 }}""");
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals(JSON.readTree("""
                {"rows": [
                  {"values": {"date": "2024-03-01", "campaign": "SPRING", "channel": "google", "spend": "1234.50",
                              "clicks": "100", "conversions": "12.345"},
                   "errors": []},
                  {"values": {"date": "2024-03-02", "campaign": "BRAND", "channel": "unknown", "spend": null,
                              "clicks": "0", "conversions": null},
                   "errors": [{"field": "spend", "message": "expression \\"parse_number('de-DE')\\": 'abc' is not a \
                number written for de-DE (decimal separator ',', grouping '.') (at character 1)"}]}
                ]}"""), json(response));
    }

    @Test
    void aBrokenExpressionIsA400WithItsPosition() throws Exception {
        APIGatewayV2HTTPResponse response = post("""
                {"header": ["spend"], "rows": [["1"]],
                 "mapping": {"spend": {"expression": "spend * (1.2"}}}""");
        assertEquals(400, response.getStatusCode());
        JsonNode error = json(response).get("error");
        assertEquals("INVALID_EXPRESSION", error.get("code").asText());
        assertEquals("The mapping's expression \"spend * (1.2\": expected ')' to close the '(' at character 9 but "
                + "found the end of the expression (at character 13)", error.get("message").asText());
        JsonNode unknown = json(post("""
                {"header": ["a"], "rows": [], "mapping": {"spend": {"column": "a", "transform": ["frobnicate"]}}}"""));
        assertEquals("INVALID_EXPRESSION", unknown.at("/error/code").asText());
        assertTrue(unknown.at("/error/message").asText().contains("'frobnicate' is not a transform; transforms are "
                + "trim, upper, lower, replace, default, parse_date, parse_number"));
    }

    @Test
    void aRawDatasetsColumnsAndCalculatedColumnsAndItsSavedMapping() throws Exception {
        datasets.create(new Dataset("ds_raw", "Raw", ALICE, DatasetKind.RAW, new SavedMapping(List.of(), Map.of(),
                new Transforms(Map.of("name", FieldTransform.pipeline("name", List.of("upper"))),
                        Map.of("double", "qty * 2"))), null, null, false, NOW, NOW));
        JsonNode saved = json(post("""
                {"header": ["name", "qty"], "rows": [["ab", "3"], ["cd", "x"]], "datasetId": "ds_raw"}"""));
        assertEquals(JSON.readTree("""
                {"rows": [
                  {"values": {"name": "AB", "qty": "3", "double": "6"}, "errors": []},
                  {"values": {"name": "CD", "qty": "x", "double": null},
                   "errors": [{"field": "double", "message": "expression \\"qty * 2\\": 'x' is not a number, so * \
                cannot use it (at character 5)"}]}
                ]}"""), saved);
        JsonNode unknownColumn = json(post("""
                {"header": ["name"], "rows": [["ab"]], "datasetId": "ds_raw",
                 "mapping": {"calculated": {"x": "nowhere + 1"}}}"""));
        assertTrue(unknownColumn.at("/rows/0/errors/0/message").asText()
                .contains("the file has no column \"nowhere\"; its columns are \"name\""),
                unknownColumn::toString);
    }

    @Test
    void boundsAndOwnership() throws Exception {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 51; i++) {
            rows.append(i == 0 ? "" : ",").append("[\"1\"]");
        }
        APIGatewayV2HTTPResponse tooMany = post("{\"header\": [\"a\"], \"rows\": [" + rows + "], \"mapping\": {}}");
        assertEquals(400, tooMany.getStatusCode());
        assertTrue(json(tooMany).at("/error/message").asText().contains("at most 50"));
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < 201; i++) {
            header.append(i == 0 ? "" : ",").append("\"c").append(i).append('"');
        }
        APIGatewayV2HTTPResponse wide = post("{\"header\": [" + header + "], \"rows\": []}");
        assertEquals(400, wide.getStatusCode());
        datasets.create(new Dataset("ds_bob", "Bob's", "bob", DatasetKind.MARKETING, null, null, null, false, NOW,
                NOW));
        APIGatewayV2HTTPResponse others = post("{\"header\": [\"a\"], \"rows\": [], \"datasetId\": \"ds_bob\"}");
        assertEquals(404, others.getStatusCode());
        APIGatewayV2HTTPResponse badShape = post("{\"header\": [\"a\"], \"mapping\": {\"spend\": 5}}");
        assertEquals(400, badShape.getStatusCode());
        assertTrue(json(badShape).at("/error/message").asText().startsWith("'mapping' value for 'spend' must be"));
    }
}
