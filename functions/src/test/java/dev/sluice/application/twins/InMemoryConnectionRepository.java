package dev.sluice.application.twins;

import dev.sluice.application.port.ConnectionRepository;
import dev.sluice.domain.progress.RunProgress;
import dev.sluice.domain.progress.Topic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Open WebSocket connections and their subscriptions in memory; deleting a connection removes its subscriptions,
 * as the real one does. {@link #failReadsOfSubscribers} makes reading the subscribers fail (a throttled query);
 * {@link #topicsRead} tells which topics were read.
 */
public final class InMemoryConnectionRepository implements ConnectionRepository {
    private record Subscription(Optional<RunProgress> seen, Instant expiresAt) {
    }

    private final Map<String, Connection> connections = new LinkedHashMap<>();
    private final Map<String, Map<Topic, Subscription>> subscriptions = new LinkedHashMap<>();
    private final List<Topic> topicsRead = new ArrayList<>();
    private boolean failReads;

    public synchronized void failReadsOfSubscribers(boolean fail) {
        this.failReads = fail;
    }

    /** The topics the connection is subscribed to. */
    public synchronized List<Topic> topics(String connectionId) {
        return List.copyOf(subscriptions.getOrDefault(connectionId, Map.of()).keySet());
    }

    /** Every topic whose subscribers were read, in the order asked. */
    public synchronized List<Topic> topicsRead() {
        return List.copyOf(topicsRead);
    }

    @Override
    public synchronized void save(Connection connection) {
        connections.put(connection.connectionId(), connection);
    }

    @Override
    public synchronized boolean saveWithinLimit(Connection connection, int maxPerOwner) {
        long open = connections.values().stream()
                .filter(c -> c.caller().owner().equals(connection.caller().owner())).count();
        if (open >= maxPerOwner) {
            return false;
        }
        save(connection);
        return true;
    }

    @Override
    public synchronized Optional<Connection> find(String connectionId) {
        return Optional.ofNullable(connections.get(connectionId));
    }

    @Override
    public synchronized void delete(String connectionId) {
        connections.remove(connectionId);
        subscriptions.remove(connectionId);
    }

    @Override
    public synchronized void subscribe(String connectionId, Topic topic, Optional<RunProgress> seen,
            Instant expiresAt) {
        subscriptions.computeIfAbsent(connectionId, id -> new LinkedHashMap<>())
                .put(topic, new Subscription(seen, expiresAt));
    }

    @Override
    public synchronized void unsubscribe(String connectionId, Topic topic) {
        subscriptions.getOrDefault(connectionId, new LinkedHashMap<>()).remove(topic);
    }

    @Override
    public synchronized List<Subscriber> subscribers(Topic topic) {
        topicsRead.add(topic);
        if (failReads) {
            throw new IllegalStateException("reading the subscribers of " + topic + " was throttled");
        }
        List<Subscriber> found = new ArrayList<>();
        subscriptions.forEach((connectionId, topics) -> {
            Subscription subscription = topics.get(topic);
            if (subscription != null) {
                found.add(new Subscriber(connectionId, subscription.seen()));
            }
        });
        return found;
    }
}
