package dev.sluice.application.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.ConnectionMessenger;
import dev.sluice.application.port.ConnectionRepository;
import dev.sluice.domain.progress.RunProgress;
import dev.sluice.domain.progress.Topic;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SocketSessions against in-memory twins of its ports, in milliseconds. */
class SocketSessionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-29T14:00:00Z");

    private final List<String> log = new ArrayList<>();
    private final Map<String, RunProgress> runs = new HashMap<>();
    private final Twins twins = new Twins();
    private final SocketSessions sessions = new SocketSessions(twins, id -> Optional.ofNullable(runs.get(id)),
            twins, JSON, Clock.fixed(NOW, ZoneOffset.UTC));

    private static RunProgress run(String id, String owner, RunStatus status) {
        return new RunProgress(id, owner, status, 10, 4, 1, 50, 100, 1, 0, 2, NOW);
    }

    @Test
    void theSnapshotIsPostedBeforeTheSubscriptionExistsAndTheSubscriptionRemembersIt() throws Exception {
        runs.put("r1", run("r1", "alice", RunStatus.LOADING));
        sessions.connect("c1", new Caller("alice", false));
        sessions.receive("c1", "{\"action\":\"subscribe\",\"runId\":\"r1\"}");
        assertTrue(log.get(0).startsWith("post c1 "), log.toString());
        assertEquals("run.snapshot", JSON.readTree(log.get(0).substring(8)).get("type").asText());
        assertTrue(log.get(1).startsWith("subscribe c1 RUN r1 seen=4"), log.toString());
        assertEquals(2, log.size(), "no final message for a run still loading: " + log);
    }

    @Test
    void someoneElsesRunIsAnsweredLikeAMissingOne() throws Exception {
        runs.put("r1", run("r1", "alice", RunStatus.LOADING));
        sessions.connect("c1", new Caller("bob", false));
        sessions.receive("c1", "{\"action\":\"subscribe\",\"runId\":\"r1\"}");
        sessions.receive("c1", "{\"action\":\"subscribe\",\"runId\":\"r2\"}");
        JsonNode other = JSON.readTree(log.get(0).substring(8));
        JsonNode missing = JSON.readTree(log.get(1).substring(8));
        assertEquals("NOT_FOUND", other.get("code").asText());
        assertEquals(missing.get("message").asText().replace("r2", "r1"), other.get("message").asText());
        assertEquals(2, log.size(), "nothing subscribed: " + log);
    }

    @Test
    void adminsMayWatchEverythingOthersOnlyTheirOwn() throws Exception {
        sessions.connect("c1", new Caller("bob", false));
        sessions.receive("c1", "{\"action\":\"subscribe\",\"scope\":\"all\"}");
        assertEquals("FORBIDDEN", JSON.readTree(log.getLast().substring(8)).get("code").asText());
        sessions.receive("c1", "{\"action\":\"subscribe\",\"scope\":\"mine\"}");
        assertTrue(log.contains("subscribe c1 OWNER bob seen=-"), log.toString());
        sessions.connect("c2", Caller.LOCAL_ADMIN);
        sessions.receive("c2", "{\"action\":\"subscribe\",\"scope\":\"all\"}");
        assertTrue(log.contains("subscribe c2 ALL * seen=-"), log.toString());
        assertEquals("{\"type\":\"subscribed\",\"scope\":\"all\"}", log.getLast().substring(8));
    }

    @Test
    void aFinishedRunGetsItsSnapshotThenItsFinalMessageAndNoSubscription() throws Exception {
        runs.put("r1", run("r1", "alice", RunStatus.PARTIAL));
        sessions.connect("c1", Caller.LOCAL_ADMIN);
        sessions.receive("c1", "{\"action\":\"subscribe\",\"runId\":\"r1\"}");
        assertEquals(List.of("run.snapshot", "run.finished"), log.stream()
                .map(line -> read(line.substring(8)).get("type").asText()).toList());
    }

    @Test
    void malformedMessagesAreAnsweredNotThrown() throws Exception {
        sessions.connect("c1", Caller.LOCAL_ADMIN);
        for (String body : List.of("not json", "[]", "{\"action\":\"subscribe\"}",
                "{\"action\":\"subscribe\",\"runId\":\"r\",\"scope\":\"mine\"}", "{\"action\":5}",
                "{\"action\":\"subscribe\",\"scope\":\"theirs\"}")) {
            log.clear();
            sessions.receive("c1", body);
            assertEquals("INVALID_REQUEST", read(log.getFirst().substring(8)).get("code").asText(), body);
        }
        log.clear();
        sessions.receive("c1", "{\"action\":\"ping\"}");
        assertEquals(List.of("post c1 {\"type\":\"pong\"}"), log);
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    @Test
    void aCallerHoldsAtMostTheMaximumNumberOfConnections() {
        SocketSessions limited = new SocketSessions(twins, id -> Optional.empty(), twins, JSON,
                Clock.fixed(NOW, ZoneOffset.UTC), new SocketLimits(2, Set.of()));
        assertEquals(SocketSessions.ConnectOutcome.ACCEPTED, limited.connect("c1", new Caller("alice", false)));
        assertEquals(SocketSessions.ConnectOutcome.ACCEPTED, limited.connect("c2", new Caller("alice", false)));
        assertEquals(SocketSessions.ConnectOutcome.TOO_MANY_CONNECTIONS,
                limited.connect("c3", new Caller("alice", false)));
        assertEquals(SocketSessions.ConnectOutcome.ACCEPTED, limited.connect("c4", new Caller("bob", false)),
                "the limit is per caller");
        assertTrue(twins.find("c3").isEmpty());
    }

    @Test
    void anOriginNotInTheListIsRefusedAndNoOriginIsNot() {
        SocketSessions limited = new SocketSessions(twins, id -> Optional.empty(), twins, JSON,
                Clock.fixed(NOW, ZoneOffset.UTC), new SocketLimits(5, Set.of("https://d111.cloudfront.net/")));
        Caller alice = new Caller("alice", false);
        assertEquals(SocketSessions.ConnectOutcome.ORIGIN_NOT_ALLOWED,
                limited.connect("c1", alice, Optional.of("https://evil.example")));
        assertTrue(twins.find("c1").isEmpty(), "a refused connection is not saved");
        assertEquals(SocketSessions.ConnectOutcome.ACCEPTED,
                limited.connect("c2", alice, Optional.of("HTTPS://d111.cloudfront.net")));
        assertEquals(SocketSessions.ConnectOutcome.ACCEPTED, limited.connect("c3", alice, Optional.empty()));
    }

    /** Connections and sockets in memory, writing what happens, in order, to {@link #log}. */
    private final class Twins implements ConnectionRepository, ConnectionMessenger {
        private final Map<String, Connection> connections = new HashMap<>();
        private final Map<String, List<Subscriber>> subscribers = new HashMap<>();

        @Override
        public Delivery post(String connectionId, String message) {
            log.add("post " + connectionId + " " + message);
            return Delivery.DELIVERED;
        }

        @Override
        public void save(Connection connection) {
            connections.put(connection.connectionId(), connection);
        }

        @Override
        public boolean saveWithinLimit(Connection connection, int maxPerOwner) {
            long open = connections.values().stream()
                    .filter(c -> c.caller().owner().equals(connection.caller().owner())).count();
            if (open >= maxPerOwner) {
                return false;
            }
            save(connection);
            return true;
        }

        @Override
        public Optional<Connection> find(String connectionId) {
            return Optional.ofNullable(connections.get(connectionId));
        }

        @Override
        public void delete(String connectionId) {
            log.add("delete " + connectionId);
        }

        @Override
        public void subscribe(String connectionId, Topic topic, Optional<RunProgress> seen, Instant expiresAt) {
            log.add("subscribe " + connectionId + " " + topic.kind() + " " + topic.key() + " seen="
                    + seen.map(s -> Long.toString(s.stored())).orElse("-"));
            subscribers.computeIfAbsent(topic.kind() + topic.key(), k -> new ArrayList<>())
                    .add(new Subscriber(connectionId, seen));
        }

        @Override
        public void unsubscribe(String connectionId, Topic topic) {
            log.add("unsubscribe " + connectionId);
        }

        @Override
        public List<Subscriber> subscribers(Topic topic) {
            return subscribers.getOrDefault(topic.kind() + topic.key(), List.of());
        }
    }
}
