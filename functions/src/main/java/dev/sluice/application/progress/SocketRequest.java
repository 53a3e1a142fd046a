package dev.sluice.application.progress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.regex.Pattern;

/**
 * A message a client sent: {@code {"action":"subscribe"|"unsubscribe","runId":"…"}} or
 * {@code {"action":"subscribe"|"unsubscribe","scope":"mine"|"all"}} (exactly one of runId and scope), or the
 * heartbeat {@code {"action":"ping"}} that keeps API Gateway from closing an idle socket after 10 minutes.
 */
public record SocketRequest(String action, String runId, String scope) {
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    public SocketRequest {
        if (!"ping".equals(action)) {
            check(action, runId, scope);
        }
    }

    private static void check(String action, String runId, String scope) {
        if (!"subscribe".equals(action) && !"unsubscribe".equals(action)) {
            throw new InvalidSocketRequest(null, "'action' must be \"subscribe\", \"unsubscribe\" or \"ping\"");
        }
        if ((runId == null) == (scope == null)) {
            throw new InvalidSocketRequest(action, "give either 'runId' or 'scope' (\"mine\" or \"all\")");
        }
        if (scope != null && !scope.equals("mine") && !scope.equals("all")) {
            throw new InvalidSocketRequest(action, "'scope' must be \"mine\" or \"all\", was \"" + abbreviate(scope)
                    + "\"");
        }
    }

    public boolean isPing() {
        return "ping".equals(action);
    }

    /** Whether the run id could be one Sluice made; anything else is answered like an unknown run. */
    public boolean runIdWellFormed() {
        return runId != null && RUN_ID.matcher(runId).matches();
    }

    public static SocketRequest parse(ObjectMapper json, String body) {
        JsonNode node;
        try {
            node = body == null ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidSocketRequest(null, "the message is not valid JSON; send e.g. "
                    + "{\"action\":\"subscribe\",\"runId\":\"…\"}");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidSocketRequest(null, "the message must be a JSON object such as "
                    + "{\"action\":\"subscribe\",\"scope\":\"mine\"}");
        }
        return new SocketRequest(text(node, "action"), text(node, "runId"), text(node, "scope"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidSocketRequest(null, "'" + field + "' must be a string");
        }
        return value.asText();
    }

    static String abbreviate(String value) {
        return value.length() > 64 ? value.substring(0, 64) + "..." : value;
    }

    /** A message the client can fix; answered on the socket with code INVALID_REQUEST. */
    public static final class InvalidSocketRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String action;

        public InvalidSocketRequest(String action, String message) {
            super(message);
            this.action = action;
        }

        public String action() {
            return action;
        }
    }
}
