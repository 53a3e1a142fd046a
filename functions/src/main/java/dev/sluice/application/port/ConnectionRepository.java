package dev.sluice.application.port;

import dev.sluice.application.identity.Caller;
import dev.sluice.domain.progress.RunProgress;
import dev.sluice.domain.progress.Topic;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Open WebSocket connections and what each subscribed to (DynamoDB, with a TTL). */
public interface ConnectionRepository {

    /** A connection and who opened it. */
    record Connection(String connectionId, Caller caller, Instant connectedAt, Instant expiresAt) {
    }

    /** A connection that wants to hear about a topic, and the state of the run it was last sent, if any. */
    record Subscriber(String connectionId, Optional<RunProgress> seen) {
    }

    void save(Connection connection);

    /**
     * Saves the connection unless its owner already has {@code maxPerOwner} open (unexpired) connections; false
     * then. Safe against concurrent calls for one owner: they never save more than {@code maxPerOwner} between them.
     */
    boolean saveWithinLimit(Connection connection, int maxPerOwner);

    Optional<Connection> find(String connectionId);

    /** Forgets the connection and all its subscriptions; harmless when already gone. */
    void delete(String connectionId);

    /**
     * Subscribes (or re-subscribes) a connection; {@code seen} is the state it was just sent, if one was. A run
     * topic also marks the run as watched until {@code expiresAt}, written after the subscription, so every change
     * of the run from then on says that its subscribers must be asked (and only a watched run's are).
     */
    void subscribe(String connectionId, Topic topic, Optional<RunProgress> seen, Instant expiresAt);

    void unsubscribe(String connectionId, Topic topic);

    /** Every connection subscribed to the topic. */
    List<Subscriber> subscribers(Topic topic);
}
