package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.dataset.DatasetForRun;
import dev.sluice.application.export.RunExports;
import dev.sluice.application.export.TwinPipeline;
import dev.sluice.application.identity.HttpCallers;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.mapping.SuggestMapping;
import dev.sluice.application.rerun.RerunRun;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.application.twins.InMemoryExportReader;
import dev.sluice.application.upload.CreateUpload;
import dev.sluice.application.upload.FinishUpload;
import dev.sluice.application.upload.UploadLimits;
import dev.sluice.config.ApiWiring;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The download and re-run routes of ApiFunction, fed the real event fixture, over twins. */
class ApiFunctionExportsTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** The fixture's caller ({@code sub} in its claims). */
    private static final String ALICE = "a1b2c3d4-e5f6-4789-8abc-def012345678";
    private static final String FILE = "Date,Campaign,Channel\n2024-03-01,Spring,search\n2024-13-01,=x,search\n";

    private final TwinPipeline pipeline = new TwinPipeline(10, ALICE);

    private ApiFunction api(long inlineLimit) {
        return new ApiFunction(new ApiWiring(
                new CreateUpload(pipeline.objects, pipeline.runs, TwinPipeline.BUCKET, Duration.ofMinutes(15),
                        1L << 30, new DatasetForRun(new InMemoryDatasetRepository(), pipeline.clock), pipeline.clock),
                new FinishUpload(pipeline.objects, pipeline.runs, null), pipeline.queries,
                new ManageDatasets(new InMemoryDatasetRepository(), new InMemoryRunRepository(),
                        UploadLimits.defaults().datasetLimits(), pipeline.clock), null,
                HttpCallers.verifiedTokenOnly(), JSON, pipeline.clock, Duration.ofMinutes(12), () -> { },
                new SuggestMapping(null, UploadLimits.defaults().maxColumns()), null,
                new RunExports(pipeline.queries, pipeline.objects, new InMemoryExportReader(pipeline.records),
                        pipeline.clock, inlineLimit, Duration.ofMinutes(5)),
                new RerunRun(pipeline.queries, pipeline.runs, pipeline.objects, pipeline.clock), null));
    }

    private static APIGatewayV2HTTPEvent request(String method, String path, String body) throws Exception {
        APIGatewayV2HTTPEvent event = JSON.readValue(Path.of("../events", "api-get-run.json").toFile(),
                APIGatewayV2HTTPEvent.class);
        event.setRawPath(path);
        event.getRequestContext().getHttp().setMethod(method);
        event.getRequestContext().getHttp().setPath(path);
        event.setBody(body);
        return event;
    }

    @Test
    void aSmallDownloadIsTheCsvItselfAndALargeOneARedirect() throws Exception {
        pipeline.importFile("run-1", "spring.csv", FILE.getBytes(StandardCharsets.UTF_8), Set.of());

        APIGatewayV2HTTPResponse inline = api(RunExports.INLINE_LIMIT).handleRequest(
                request("GET", "/api/runs/run-1/errors.csv", null), new TestContext());
        assertEquals(200, inline.getStatusCode(), inline.getBody());
        assertEquals("text/csv; charset=utf-8", inline.getHeaders().get("Content-Type"));
        assertEquals("attachment; filename=\"spring-errors.csv\"; filename*=UTF-8''spring-errors.csv",
                inline.getHeaders().get("Content-Disposition"));
        assertEquals("file", inline.getHeaders().get("Sluice-Export-Source"));
        assertTrue(inline.getBody().startsWith("\uFEFFDate,Campaign,Channel,error_line,error_column,error_code,"
                + "error_message\r\n2024-13-01,'=x,search,3,Date,INVALID_DATE,\"record 2 (line 3)"), inline.getBody());

        APIGatewayV2HTTPResponse redirect = api(10).handleRequest(
                request("GET", "/api/runs/run-1/records.csv", null), new TestContext());
        assertEquals(303, redirect.getStatusCode(), redirect.getBody());
        String location = redirect.getHeaders().get("Location");
        assertTrue(location.startsWith("https://uploads-bucket.s3.test/exports/" + ALICE + "/run-1/records-"),
                location);
        JsonNode body = JSON.readTree(redirect.getBody());
        assertEquals(location, body.get("url").asText());
        assertEquals("spring-records.csv", body.get("fileName").asText());
    }

    @Test
    void aRerunAnswersTheNewRunAndBadFieldsAreNamed() throws Exception {
        pipeline.importFile("run-1", "spring.csv", FILE.getBytes(StandardCharsets.UTF_8), Set.of());
        ApiFunction api = api(RunExports.INLINE_LIMIT);

        APIGatewayV2HTTPResponse created = api.handleRequest(request("POST", "/api/runs/run-1/rerun",
                "{\"settings\": {\"delimiter\": \";\", \"dateOrder\": \"dmy\"}}"), new TestContext());
        assertEquals(201, created.getStatusCode(), created.getBody());
        JsonNode run = JSON.readTree(created.getBody());
        assertEquals("run-1", run.get("rerunOf").asText());
        assertEquals("CREATED", run.get("status").asText());
        assertEquals(";", run.get("rerunSettings").get("delimiter").asText());
        assertEquals("dmy", run.get("rerunSettings").get("dateOrder").asText());
        assertEquals("auto", run.get("rerunSettings").get("encoding").asText());

        APIGatewayV2HTTPResponse bad = api.handleRequest(request("POST", "/api/runs/run-1/rerun",
                "{\"settings\": {\"dateOrder\": \"yesterday\"}}"), new TestContext());
        assertEquals(400, bad.getStatusCode());
        assertEquals("'settings.dateOrder' must be one of auto, dmy, mdy, ymd",
                JSON.readTree(bad.getBody()).get("error").get("message").asText());

        APIGatewayV2HTTPResponse first = api.handleRequest(request("GET", "/api/runs/run-1", null),
                new TestContext());
        assertNull(JSON.readTree(first.getBody()).get("rerunOf").textValue(), "a first import is no re-run");
    }
}
