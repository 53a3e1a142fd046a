package dev.sluice.application.progress;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may open a WebSocket: at most {@code maxConnectionsPerUser} open connections per caller, and, when the
 * request names an Origin, only from one of {@code allowedOrigins}. Browsers always send Origin on a WebSocket
 * upgrade and cannot forge it, so the check stops another site's page from opening a socket with a token it got
 * hold of; a client that is not a browser sends none and could send any, so a missing Origin is not refused.
 * An empty list allows every origin (tests and tools only; the template always names the web app's).
 */
public record SocketLimits(int maxConnectionsPerUser, Set<String> allowedOrigins) {
    public static final int DEFAULT_MAX_CONNECTIONS_PER_USER = 5;

    public SocketLimits {
        if (maxConnectionsPerUser < 1) {
            throw new IllegalArgumentException(
                    "maxConnectionsPerUser must be at least 1, was " + maxConnectionsPerUser);
        }
        allowedOrigins = allowedOrigins.stream().map(SocketLimits::normalized).filter(o -> !o.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The defaults, with no origin check. */
    public static SocketLimits unrestrictedOrigins() {
        return new SocketLimits(DEFAULT_MAX_CONNECTIONS_PER_USER, Set.of());
    }

    public boolean allowsOrigin(String origin) {
        return allowedOrigins.isEmpty() || allowedOrigins.contains(normalized(origin));
    }

    /** Scheme and host are case-insensitive in an origin; a trailing slash is a common slip in configuration. */
    private static String normalized(String origin) {
        String trimmed = origin.trim().toLowerCase(Locale.ROOT);
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
