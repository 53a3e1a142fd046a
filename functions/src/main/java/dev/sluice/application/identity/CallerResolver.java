package dev.sluice.application.identity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides who opens a WebSocket connection, once, at {@code $connect}: API Gateway lets a WebSocket authorise only
 * then, so the identity found here is stored with the connection and used for every later message.
 */
@FunctionalInterface
public interface CallerResolver {

    /** The caller, or empty to refuse the connection (API Gateway then answers the upgrade with 401). */
    Optional<Caller> resolve(ConnectAttempt attempt);

    /** What a connect request carries that can identify its sender. */
    record ConnectAttempt(Map<String, String> queryParameters, Map<String, String> headers,
            Map<String, Object> authorizer) {
        public ConnectAttempt {
            queryParameters = queryParameters == null ? Map.of() : Map.copyOf(queryParameters);
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            authorizer = authorizer == null ? Map.of() : Map.copyOf(authorizer);
        }
    }

    /**
     * The caller the {@code $connect} authorizer vouched for ({@code requestContext.authorizer}: {@code sub},
     * {@code email}, {@code groups}), and nothing else: the query string and headers are the client's word only.
     * Without a subject there is no caller.
     */
    static CallerResolver fromAuthorizer() {
        return attempt -> {
            Object subject = attempt.authorizer().get("sub");
            if (!(subject instanceof String sub) || sub.isBlank()) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Caller(sub, groups(attempt.authorizer().get("groups")).contains("admin")));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        };
    }

    /**
     * Groups as the authorizer context or API Gateway may render them: a list, {@code "[a b]"} (API Gateway's
     * rendering of a claim array), {@code "a,b"} or a single name.
     */
    static List<String> groups(Object value) {
        List<String> groups = new ArrayList<>();
        if (value instanceof Collection<?> collection) {
            collection.forEach(group -> groups.add(String.valueOf(group).trim()));
        } else if (value != null) {
            String text = String.valueOf(value).trim();
            if (text.startsWith("[") && text.endsWith("]")) {
                text = text.substring(1, text.length() - 1);
            }
            for (String group : text.split("[,\\s]+")) {
                groups.add(group.replace("\"", "").trim());
            }
        }
        groups.removeIf(String::isEmpty);
        return groups;
    }
}
