package dev.sluice.application.progress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.domain.progress.ProgressMessage;

/**
 * The JSON text of every message the server sends on a socket. Each is a few hundred bytes, far below API
 * Gateway's 128 KB WebSocket frame limit (a message above it would be refused by PostToConnection).
 */
public final class SocketMessages {
    private final ObjectMapper json;

    public SocketMessages(ObjectMapper json) {
        this.json = json;
    }

    public String progress(ProgressMessage message) {
        ObjectNode node = json.createObjectNode();
        node.put("type", message.type().wireName());
        node.put("runId", message.runId());
        node.put("status", message.status().name());
        node.put("records", message.records());
        node.put("stored", message.stored());
        node.put("errors", message.errors());
        node.put("bytesDone", message.bytesDone());
        node.put("bytesTotal", message.bytesTotal());
        node.put("chunksDone", message.chunksDone());
        if (message.chunksTotal() == null) {
            node.putNull("chunksTotal");
        } else {
            node.put("chunksTotal", message.chunksTotal().intValue());
        }
        if (message.ratePerSec() == null) {
            node.putNull("ratePerSec");
        } else {
            node.put("ratePerSec", message.ratePerSec().doubleValue());
        }
        if (message.etaSec() == null) {
            node.putNull("etaSec");
        } else {
            node.put("etaSec", message.etaSec().longValue());
        }
        node.put("updatedAt", message.updatedAt().toString());
        return write(node);
    }

    /** A request that could not be served; the message is safe to show and never confirms someone else's run. */
    public String error(String code, String message, String action) {
        ObjectNode node = json.createObjectNode();
        node.put("type", "error");
        node.put("code", code);
        node.put("message", message);
        if (action != null) {
            node.put("action", action);
        }
        return write(node);
    }

    /** Confirms a scope subscription (a run subscription is confirmed by its snapshot). */
    public String acknowledged(String action, String scope) {
        ObjectNode node = json.createObjectNode();
        node.put("type", action.equals("subscribe") ? "subscribed" : "unsubscribed");
        node.put("scope", scope);
        return write(node);
    }

    public String pong() {
        return "{\"type\":\"pong\"}";
    }

    public String unsubscribedRun(String runId) {
        ObjectNode node = json.createObjectNode();
        node.put("type", "unsubscribed");
        node.put("runId", runId);
        return write(node);
    }

    private String write(ObjectNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
