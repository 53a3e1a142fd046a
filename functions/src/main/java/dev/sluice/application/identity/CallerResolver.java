package dev.sluice.application.identity;

import java.util.Map;
import java.util.Optional;

/**
 * Decides who opens a WebSocket connection, once, at {@code $connect}: API Gateway lets a WebSocket authorise only
 * then, so the identity found here is stored with the connection and used for every later message. Sign-in (a
 * JWT given as {@code ?token=} at connect) is a later step; it replaces {@link #unauthenticated} here.
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

    /** Until sign-in exists: the same callers as the HTTP API has (ApiFunction), whatever the request says. */
    static CallerResolver unauthenticated(boolean localRuntime) {
        Caller caller = localRuntime ? Caller.LOCAL_ADMIN : Caller.ANONYMOUS;
        return attempt -> Optional.of(caller);
    }
}
