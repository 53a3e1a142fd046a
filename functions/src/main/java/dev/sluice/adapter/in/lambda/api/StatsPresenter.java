package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.admin.RunStatistics;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code GET /api/stats}: {@code {"since","until","runsByStatus":{...},"runs","records","stored","errors",
 * "errorRate","durationSeconds":{"p50","p95","runs"},"capped","maxRuns"}}; durations are seconds with millisecond
 * precision, null when no run finished in the window.
 */
public final class StatsPresenter {
    private final ObjectMapper json;

    public StatsPresenter(ObjectMapper json) {
        this.json = json;
    }

    public ObjectNode stats(RunStatistics.Stats stats) {
        ObjectNode body = json.createObjectNode();
        body.put("since", stats.since().toString());
        body.put("until", stats.until().toString());
        ObjectNode byStatus = body.putObject("runsByStatus");
        stats.runsByStatus().forEach((status, count) -> byStatus.put(status.name(), count));
        body.put("runs", stats.runs());
        body.put("records", stats.records());
        body.put("stored", stats.stored());
        body.put("errors", stats.errors());
        body.put("errorRate", stats.errorRate());
        ObjectNode durations = body.putObject("durationSeconds");
        putSeconds(durations, "p50", stats.durationP50());
        putSeconds(durations, "p95", stats.durationP95());
        durations.put("runs", stats.finishedRuns());
        body.put("capped", stats.capped());
        body.put("maxRuns", stats.maxRuns());
        return body;
    }

    private static void putSeconds(ObjectNode node, String name, Optional<Duration> duration) {
        if (duration.isEmpty()) {
            node.putNull(name);
        } else {
            node.put(name, duration.get().toMillis() / 1000.0);
        }
    }
}
