package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.local.template.DynamoDbStreamEventSpec;
import dev.sluice.local.template.SamTemplate;
import dev.sluice.local.template.WebSocketApiSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local runtime reads the WebSocket API and the stream mapping from the repository's template.yaml. */
class ProgressWiringTemplateTest {

    private static SamTemplate template() throws Exception {
        return SamTemplate.read(SamTemplate.locate(Path.of("")).orElseThrow());
    }

    @Test
    void theWebSocketApiRoutesEveryRouteToSocketFunction() throws Exception {
        WebSocketApiSpec api = template().webSocketApis().get("WebSocketApi");
        assertEquals("action", api.selectionField());
        assertEquals("live", api.stageName());
        assertEquals(Map.of("$connect", "SocketFunction", "$disconnect", "SocketFunction", "subscribe",
                "SocketFunction", "unsubscribe", "SocketFunction", "$default", "SocketFunction"), api.routeFunctions());
        assertEquals(java.util.Optional.of("SocketAuthorizerFunction"), api.connectAuthorizerFunction(),
                "$connect is behind the template's Lambda REQUEST authorizer");
        assertEquals(true, dev.sluice.local.auth.TemplateAuth.tokenRequired(template(), "ApiFunction", "Api"),
                "the HTTP API's default authorizer is a JWT authorizer");
    }

    @Test
    void progressFunctionReadsTheRunsTablesStreamInSmallRetriedFilteredBatches() throws Exception {
        List<DynamoDbStreamEventSpec> events = template().dynamoDbStreamEvents("ProgressFunction");
        assertEquals(1, events.size());
        DynamoDbStreamEventSpec stream = events.getFirst();
        assertEquals("RunsTable", stream.tableLogicalId());
        assertEquals("LATEST", stream.startingPosition());
        assertEquals(100, stream.batchSize());
        assertEquals(0, stream.maximumBatchingWindowSeconds());
        assertTrue(stream.bisectBatchOnFunctionError());
        assertEquals(3, stream.maximumRetryAttempts());
        assertTrue(stream.reportBatchItemFailures());
        assertEquals(List.of("{\"dynamodb\": {\"Keys\": {\"sk\": {\"S\": [\"RUN\"]}}}}"), stream.filterPatterns());
        assertEquals(List.of(), template().dynamoDbStreamEvents("LoadFunction"));
    }
}
