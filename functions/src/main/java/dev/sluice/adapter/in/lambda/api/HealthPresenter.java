package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.health.CheckHealth;
import java.util.Map;

/**
 * {@code GET /api/health}: 200 {@code {"status":"ok","checks":{"database":{"ok":true,"millis":3},...},
 * "oldestChunkMessageAgeSeconds":n}}, or 503 with {@code "status":"down"} and {@code "down":[names]}; a failing
 * check carries a safe {@code message}.
 */
public final class HealthPresenter {
    private final ObjectMapper json;

    public HealthPresenter(ObjectMapper json) {
        this.json = json;
    }

    public ApiResponse health(CheckHealth.Health health) {
        ObjectNode body = json.createObjectNode();
        body.put("status", health.up() ? "ok" : "down");
        if (!health.up()) {
            health.down().forEach(body.putArray("down")::add);
        }
        ObjectNode checks = body.putObject("checks");
        Object oldest = null;
        boolean ageKnown = false;
        for (Map.Entry<String, CheckHealth.Check> entry : health.checks().entrySet()) {
            CheckHealth.Check check = entry.getValue();
            ObjectNode node = checks.putObject(entry.getKey());
            node.put("ok", check.ok());
            node.put("millis", check.millis());
            if (check.message() != null) {
                node.put("message", check.message());
            }
            check.facts().forEach((name, value) -> node.set(name, json.valueToTree(value)));
            if (check.facts().get("ChunkQueue") instanceof Map<?, ?> queue
                    && queue.containsKey(CheckHealth.OLDEST_MESSAGE_AGE)) {
                oldest = queue.get(CheckHealth.OLDEST_MESSAGE_AGE);
                ageKnown = true;
            }
        }
        if (ageKnown && oldest != null) {
            body.set("oldestChunkMessageAgeSeconds", json.valueToTree(oldest));
        } else {
            body.putNull("oldestChunkMessageAgeSeconds");
        }
        return new ApiResponse(health.up() ? 200 : 503, body, Map.of());
    }
}
