package dev.sluice.adapter.out.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.domain.run.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The EMF documents Powertools writes to stdout (CloudWatch turns them into metrics): the namespace, dimensions,
 * names and units the dashboard in template.yaml reads. The status dimension must not leak into later documents,
 * or RecordsLoaded would be charted under a status and vanish from the dashboard's Service-only query.
 */
class PowertoolsPipelineMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eachEventIsOneEmfDocumentWithTheDashboardsNamesUnitsAndDimensions() throws Exception {
        List<JsonNode> documents = emitted(metrics -> {
            metrics.runStarted();
            metrics.runFinished(RunStatus.PARTIAL);
            metrics.chunkCounted(98, 2);
            metrics.chunkWritten(1234);
        });

        assertEquals(4, documents.size(), documents.toString());
        assertMetrics(documents.get(0), List.of("Service"), "RunsStarted", "Count");
        assertEquals(1, documents.get(0).get("RunsStarted").asInt());

        assertMetrics(documents.get(1), List.of("Service", "status"), "RunsFinished", "Count");
        assertEquals("PARTIAL", documents.get(1).get("status").asText());

        assertMetrics(documents.get(2), List.of("Service"), "RecordsLoaded", "Count", "RowErrors", "Count");
        assertEquals(98, documents.get(2).get("RecordsLoaded").asInt());
        assertEquals(2, documents.get(2).get("RowErrors").asInt());
        assertFalse(documents.get(2).has("status"), "the status dimension was cleared after RunsFinished");

        assertMetrics(documents.get(3), List.of("Service"), "ChunkLoadMillis", "Milliseconds");
        assertEquals(1234, documents.get(3).get("ChunkLoadMillis").asInt());
    }

    /** Namespace Sluice, one dimension set of {@code dimensions}, Service=sluice, and the metrics with their units. */
    private static void assertMetrics(JsonNode document, List<String> dimensions, String... namesAndUnits) {
        JsonNode directive = document.get("_aws").get("CloudWatchMetrics").get(0);
        assertEquals("Sluice", directive.get("Namespace").asText(), document.toString());
        List<String> actualDimensions = new ArrayList<>();
        directive.get("Dimensions").get(0).forEach(d -> actualDimensions.add(d.asText()));
        assertEquals(dimensions, actualDimensions.stream().sorted().toList(), document.toString());
        assertEquals(1, directive.get("Dimensions").size(), "one dimension set: " + document);
        assertEquals("sluice", document.get("Service").asText());
        Map<String, String> expected = new TreeMap<>();
        for (int i = 0; i < namesAndUnits.length; i += 2) {
            expected.put(namesAndUnits[i], namesAndUnits[i + 1]);
        }
        Map<String, String> actual = new TreeMap<>();
        directive.get("Metrics").forEach(m -> actual.put(m.get("Name").asText(), m.get("Unit").asText()));
        assertEquals(expected, actual, document.toString());
    }

    /** The JSON documents written to stdout while {@code work} runs (Powertools' EMF sink prints to System.out). */
    private static List<JsonNode> emitted(Consumer<PowertoolsPipelineMetrics> work)
            throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            work.accept(PowertoolsPipelineMetrics.create("Sluice", "sluice"));
        } finally {
            System.setOut(original);
        }
        List<JsonNode> documents = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{") && line.contains("\"_aws\"")) {
                documents.add(JSON.readTree(line));
            }
        }
        return documents;
    }
}
