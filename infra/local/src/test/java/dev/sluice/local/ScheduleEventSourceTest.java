package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.local.function.LocalFunction;
import dev.sluice.local.function.ScheduleEventSource;
import dev.sluice.local.template.SamTemplate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The template's Schedule events become timers that invoke the function with EventBridge's scheduled-event JSON, the
 * shape of {@code events/schedule-expire-runs.json}; the rate comes from the template with the parameters in effect.
 */
class ScheduleEventSourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Stands in for ExpireRunsFunction: records what it is invoked with. */
    public static final class Recorder implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        final List<Map<String, Object>> events = new CopyOnWriteArrayList<>();

        @Override
        public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
            events.add(event);
            return Map.of();
        }
    }

    @Test
    void theSweepScheduleInvokesItsFunctionWithAScheduledEvent() throws Exception {
        Path template = TestDirs.repoRoot().resolve("template.yaml");
        SamTemplate sam = SamTemplate.read(template, Map.of("ExpirySweepSchedule", "rate(1 second)"));
        Recorder recorder = new Recorder();
        LocalFunction function = new LocalFunction(sam.functions().get("ExpireRunsFunction"), Map.of(), recorder);
        List<ScheduleEventSource> sources = ScheduleEventSource.start(sam, List.of(function), true);
        try {
            assertEquals(1, sources.size(), "one Schedule event in the template");
            assertEquals(Duration.ofSeconds(1), sources.get(0).period());
            Poll.until(Duration.ofSeconds(10), "two scheduled invocations", () -> recorder.events.size() >= 2);
        } finally {
            sources.forEach(ScheduleEventSource::close);
        }
        JsonNode event = JSON.valueToTree(recorder.events.get(0));
        assertEquals("Scheduled Event", event.get("detail-type").asText());
        assertEquals("aws.events", event.get("source").asText());
        assertTrue(event.at("/resources/0").asText().startsWith("arn:aws:events:us-east-1:000000000000:rule/"),
                event::toString);
        JsonNode fixture = JSON.readTree(TestDirs.repoRoot().resolve("events/schedule-expire-runs.json").toFile());
        assertEquals(paths(fixture, "", new TreeSet<>()), paths(event, "", new TreeSet<>()),
                "same shape as the fixture");
    }

    @Test
    void theDefaultScheduleIsEveryFiveMinutes() throws Exception {
        SamTemplate sam = SamTemplate.read(TestDirs.repoRoot().resolve("template.yaml"), Map.of());
        Recorder recorder = new Recorder();
        LocalFunction function = new LocalFunction(sam.functions().get("ExpireRunsFunction"), Map.of(), recorder);
        List<ScheduleEventSource> sources = ScheduleEventSource.start(sam, List.of(function), false);
        try {
            assertEquals(Duration.ofMinutes(5), sources.get(0).period());
        } finally {
            sources.forEach(ScheduleEventSource::close);
        }
    }

    private static TreeSet<String> paths(JsonNode node, String prefix, TreeSet<String> into) {
        if (node.isObject()) {
            node.properties().forEach(field -> paths(field.getValue(), prefix + "/" + field.getKey(), into));
            if (node.isEmpty()) {
                into.add(prefix + "{}");
            }
        } else if (node.isArray()) {
            node.forEach(item -> paths(item, prefix + "[]", into));
        } else {
            into.add(prefix);
        }
        return into;
    }
}
