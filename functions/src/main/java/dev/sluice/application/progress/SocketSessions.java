package dev.sluice.application.progress;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.ConnectionMessenger;
import dev.sluice.application.port.ConnectionRepository;
import dev.sluice.application.port.ConnectionRepository.Connection;
import dev.sluice.application.port.RunProgressReader;
import dev.sluice.domain.progress.Estimate;
import dev.sluice.domain.progress.MessageType;
import dev.sluice.domain.progress.ProgressMessage;
import dev.sluice.domain.progress.RunProgress;
import dev.sluice.domain.progress.Topic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one WebSocket connection: opened with a caller, subscribed to runs or to a scope, closed.
 *
 * <p>Subscribing to a run posts its snapshot <em>before</em> the subscription is stored, so ProgressFunction,
 * which only posts to stored subscriptions, can never get a change to the client ahead of the snapshot. The
 * subscription remembers the snapshot, and ProgressFunction sends only states ahead of it, so a stream record
 * still in flight from before the snapshot never takes the client backwards. A change between the snapshot and the
 * moment the subscription is visible to ProgressFunction (the subscribers index is eventually consistent) could be
 * missed; a later change makes up for it, and the one change with nothing after it, a run finishing, is checked
 * for here once the subscription is visible.
 */
public final class SocketSessions {
    private static final Logger LOG = LoggerFactory.getLogger(SocketSessions.class);
    /**
     * API Gateway closes every WebSocket after 2 hours, and may lose a $disconnect; items outlive that by a margin
     * and are then removed by the table's TTL.
     */
    static final Duration CONNECTION_LIFETIME = Duration.ofHours(2).plusMinutes(10);
    /** How long to wait for a new subscription to show in the subscribers index (usually well under a second). */
    static final Duration INDEX_VISIBILITY_WAIT = Duration.ofSeconds(2);

    private final ConnectionRepository connections;
    private final RunProgressReader runs;
    private final ConnectionMessenger messenger;
    private final SocketMessages messages;
    private final ObjectMapper json;
    private final Clock clock;
    private final SocketLimits limits;

    /** Why a connection was or was not accepted. */
    public enum ConnectOutcome {
        ACCEPTED,
        ORIGIN_NOT_ALLOWED,
        TOO_MANY_CONNECTIONS
    }

    public SocketSessions(ConnectionRepository connections, RunProgressReader runs, ConnectionMessenger messenger,
            ObjectMapper json, Clock clock) {
        this(connections, runs, messenger, json, clock, SocketLimits.unrestrictedOrigins());
    }

    public SocketSessions(ConnectionRepository connections, RunProgressReader runs, ConnectionMessenger messenger,
            ObjectMapper json, Clock clock, SocketLimits limits) {
        this.limits = limits;
        this.connections = connections;
        this.runs = runs;
        this.messenger = messenger;
        this.messages = new SocketMessages(json);
        this.json = json;
        this.clock = clock;
    }

    /** A connection request with no Origin header (a client that is not a browser). */
    public ConnectOutcome connect(String connectionId, Caller caller) {
        return connect(connectionId, caller, Optional.empty());
    }

    /**
     * Accepts the connection unless its origin is not allowed or its caller already holds the maximum number of
     * connections. The count is kept by the repository with conditional writes, so concurrent $connects of one
     * caller never get more than the maximum between them.
     */
    public ConnectOutcome connect(String connectionId, Caller caller, Optional<String> origin) {
        if (origin.isPresent() && !limits.allowsOrigin(origin.get())) {
            LOG.warn("connection {} refused: origin {} is not allowed", connectionId,
                    SocketRequest.abbreviate(origin.get()));
            return ConnectOutcome.ORIGIN_NOT_ALLOWED;
        }
        Instant now = clock.instant();
        if (!connections.saveWithinLimit(new Connection(connectionId, caller, now, now.plus(CONNECTION_LIFETIME)),
                limits.maxConnectionsPerUser())) {
            LOG.warn("connection {} refused: its caller already has {} open connections", connectionId,
                    limits.maxConnectionsPerUser());
            return ConnectOutcome.TOO_MANY_CONNECTIONS;
        }
        return ConnectOutcome.ACCEPTED;
    }

    public void disconnect(String connectionId) {
        connections.delete(connectionId);
    }

    /** Serves one client message; every outcome, including a malformed request, is answered on the socket. */
    public void receive(String connectionId, String body) {
        SocketRequest request;
        try {
            request = SocketRequest.parse(json, body);
        } catch (SocketRequest.InvalidSocketRequest e) {
            post(connectionId, messages.error("INVALID_REQUEST", e.getMessage(), e.action()));
            return;
        }
        if (request.isPing()) {
            post(connectionId, messages.pong());
            return;
        }
        Optional<Connection> connection = connections.find(connectionId);
        if (connection.isEmpty()) {
            post(connectionId, messages.error("NOT_CONNECTED",
                    "This connection is no longer known to the server; reconnect and subscribe again.",
                    request.action()));
            return;
        }
        Caller caller = connection.get().caller();
        if (request.scope() != null) {
            scope(connectionId, caller, request);
        } else if (request.action().equals("subscribe")) {
            subscribeToRun(connectionId, caller, request);
        } else {
            connections.unsubscribe(connectionId, Topic.run(request.runId()));
            post(connectionId, messages.unsubscribedRun(request.runId()));
        }
    }

    private void scope(String connectionId, Caller caller, SocketRequest request) {
        Topic topic;
        if (request.scope().equals("all")) {
            if (!caller.admin()) {
                post(connectionId, messages.error("FORBIDDEN",
                        "Only administrators may watch all runs; subscribe with \"scope\":\"mine\" instead.",
                        request.action()));
                return;
            }
            topic = Topic.all();
        } else {
            topic = Topic.owner(caller.owner());
        }
        if (request.action().equals("subscribe")) {
            connections.subscribe(connectionId, topic, Optional.empty(), expiresAt());
        } else {
            connections.unsubscribe(connectionId, topic);
        }
        post(connectionId, messages.acknowledged(request.action(), request.scope()));
    }

    private void subscribeToRun(String connectionId, Caller caller, SocketRequest request) {
        Optional<RunProgress> found = request.runIdWellFormed() ? runs.find(request.runId()) : Optional.empty();
        // Someone else's run is answered exactly like a missing one, as the HTTP API does: ids are not confirmed.
        if (found.isEmpty() || !caller.maySee(found.get().owner())) {
            post(connectionId, messages.error("NOT_FOUND",
                    "No run with id '" + SocketRequest.abbreviate(request.runId()) + "'", request.action()));
            return;
        }
        RunProgress snapshot = found.get();
        if (post(connectionId, message(MessageType.SNAPSHOT, snapshot)) != ConnectionMessenger.Delivery.DELIVERED) {
            return;
        }
        if (snapshot.isFinal()) {
            // Nothing will change any more: the final message follows at once and no subscription is needed.
            post(connectionId, message(MessageType.FINISHED, snapshot));
            return;
        }
        Topic topic = Topic.run(snapshot.runId());
        connections.subscribe(connectionId, topic, Optional.of(snapshot), expiresAt());
        awaitVisible(connectionId, topic);
        runs.find(snapshot.runId()).filter(RunProgress::isFinal).ifPresent(finished -> {
            post(connectionId, message(MessageType.FINISHED, finished));
            connections.subscribe(connectionId, topic, Optional.of(finished), expiresAt());
        });
    }

    private void awaitVisible(String connectionId, Topic topic) {
        long deadline = System.nanoTime() + INDEX_VISIBILITY_WAIT.toNanos();
        while (connections.subscribers(topic).stream().noneMatch(s -> s.connectionId().equals(connectionId))) {
            if (System.nanoTime() > deadline) {
                LOG.warn("subscription of {} to {} not visible in the index after {}", connectionId, topic,
                        INDEX_VISIBILITY_WAIT);
                return;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private String message(MessageType type, RunProgress progress) {
        return messages.progress(ProgressMessage.of(type, progress, Estimate.UNKNOWN));
    }

    private ConnectionMessenger.Delivery post(String connectionId, String message) {
        ConnectionMessenger.Delivery delivery = messenger.post(connectionId, message);
        if (delivery == ConnectionMessenger.Delivery.GONE) {
            connections.delete(connectionId);
        }
        return delivery;
    }

    private Instant expiresAt() {
        return clock.instant().plus(CONNECTION_LIFETIME);
    }
}
