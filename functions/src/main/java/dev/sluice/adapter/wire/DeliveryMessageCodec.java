package dev.sluice.adapter.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.domain.destination.DeliveryMessage;

/** DeliveryQueue's message body, {@code {"runId","destinationId"}}: written by the sender, read by DeliveryFunction. */
public final class DeliveryMessageCodec {
    private DeliveryMessageCodec() {
    }

    public static String encode(ObjectMapper json, DeliveryMessage message) {
        return json.createObjectNode().put("runId", message.runId()).put("destinationId", message.destinationId())
                .toString();
    }

    /** @throws IllegalArgumentException when the body is not a delivery message */
    public static DeliveryMessage decode(ObjectMapper json, String body) {
        try {
            JsonNode node = json.readTree(body == null ? "" : body);
            if (node == null || !node.path("runId").isTextual() || !node.path("destinationId").isTextual()) {
                throw new IllegalArgumentException("expected {\"runId\", \"destinationId\"}");
            }
            return new DeliveryMessage(node.get("runId").asText(), node.get("destinationId").asText());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
