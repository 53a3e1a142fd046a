package dev.sluice.application.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.port.ConnectionMessenger;
import dev.sluice.application.port.ConnectionRepository;
import dev.sluice.domain.progress.RunProgress;
import dev.sluice.domain.progress.Topic;
import dev.sluice.domain.run.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fan-out against in-memory twins of its ports: coalescing, floors, Gone, and a socket that hangs. */
class PublishProgressTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-29T14:00:00Z");

    private final Subscriptions connections = new Subscriptions();
    private final Sockets sockets = new Sockets();

    private static RunProgress state(RunStatus status, long stored, long millis) {
        return new RunProgress("run-1", "alice", status, 100, stored, 0, stored * 10, 1_000, (int) stored / 10, 0, 10,
                T0.plusMillis(millis));
    }

    @Test
    void oneMessagePerRunPerBatchWithTheLatestStateToRunOwnerAndAllSubscribers() throws Exception {
        connections.add("c-run", Topic.run("run-1"), Optional.empty());
        connections.add("c-mine", Topic.owner("alice"), Optional.empty());
        connections.add("c-all", Topic.all(), Optional.empty());
        connections.add("c-other", Topic.owner("bob"), Optional.empty());
        connections.add("c-both", Topic.run("run-1"), Optional.empty());
        connections.add("c-both", Topic.owner("alice"), Optional.empty());
        try (PublishProgress publish = publish(Duration.ofSeconds(2))) {
            var outcome = publish.publish(List.of(state(RunStatus.LOADING, 10, 0), state(RunStatus.LOADING, 20, 100),
                    state(RunStatus.LOADING, 30, 200)));
            assertEquals(4, outcome.delivered());
            for (String id : List.of("c-run", "c-mine", "c-all", "c-both")) {
                assertEquals(1, sockets.received(id).size(), id);
                assertEquals(30, JSON.readTree(sockets.received(id).getFirst()).get("stored").asLong(), id);
            }
            assertEquals(List.of(), sockets.received("c-other"));
        }
    }

    @Test
    void aSubscriberIsNotSentStatesItsSnapshotAlreadyCovered() throws Exception {
        connections.add("fresh", Topic.run("run-1"), Optional.of(state(RunStatus.LOADING, 50, 500)));
        try (PublishProgress publish = publish(Duration.ofSeconds(2))) {
            publish.publish(List.of(state(RunStatus.LOADING, 40, 400)));
            publish.publish(List.of(state(RunStatus.LOADING, 50, 500)));
            assertEquals(List.of(), sockets.received("fresh"), "older and equal states are not sent");
            publish.publish(List.of(state(RunStatus.SUCCEEDED, 100, 900)));
            assertEquals("run.finished", JSON.readTree(sockets.received("fresh").getFirst()).get("type").asText());
        }
    }

    @Test
    void goneConnectionsAreDeletedAndTheOthersStillServed() {
        connections.add("alive", Topic.run("run-1"), Optional.empty());
        connections.add("gone", Topic.run("run-1"), Optional.empty());
        sockets.gone.add("gone");
        try (PublishProgress publish = publish(Duration.ofSeconds(2))) {
            var outcome = publish.publish(List.of(state(RunStatus.LOADING, 10, 0)));
            assertEquals(1, outcome.gone());
            assertEquals(1, outcome.delivered());
            assertEquals(List.of("gone"), connections.deleted);
            assertEquals(1, sockets.received("alive").size());
        }
    }

    @Test
    void aHangingSocketDelaysNoOneAndLaterPostsToItKeepTheirOrder() throws Exception {
        connections.add("slow", Topic.run("run-1"), Optional.empty());
        for (int i = 0; i < 20; i++) {
            connections.add("fast-" + i, Topic.run("run-1"), Optional.empty());
        }
        CountDownLatch release = new CountDownLatch(1);
        sockets.hang.put("slow", release);
        try (PublishProgress publish = publish(Duration.ofMillis(300))) {
            long begin = System.nanoTime();
            var first = publish.publish(List.of(state(RunStatus.LOADING, 10, 0)));
            long millis = (System.nanoTime() - begin) / 1_000_000;
            assertTrue(millis < 2_000, "the batch waited " + millis + " ms for one socket");
            assertEquals(20, first.delivered());
            assertEquals(1, first.timedOut());
            var second = publish.publish(List.of(state(RunStatus.LOADING, 20, 100)));
            assertEquals(20, second.delivered());
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sockets.received("slow").size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            List<Long> slow = new ArrayList<>();
            for (String text : sockets.received("slow")) {
                slow.add(JSON.readTree(text).get("stored").asLong());
            }
            assertEquals(List.of(10L, 20L), slow, "the older state reaches the slow socket first");
        }
    }

    @Test
    void aRunWhoseSubscribersCannotBeReadIsReportedAndTheOthersGoOut() {
        connections.add("c", Topic.all(), Optional.empty());
        connections.failFor = "SUBS#RUN#run-1";
        try (PublishProgress publish = publish(Duration.ofSeconds(2))) {
            RunProgress other = new RunProgress("run-2", "bob", RunStatus.LOADING, 1, 0, 0, 0, 1, 0, 0, null, T0);
            var outcome = publish.publish(List.of(state(RunStatus.LOADING, 10, 0), other));
            assertEquals(Set.of("run-1"), outcome.failedRuns());
            assertEquals(1, sockets.received("c").size());
        }
    }

    @Test
    void eachTopicIsReadOncePerBatchHoweverManyOfItsRunsChanged() {
        connections.add("c-mine", Topic.owner("alice"), Optional.empty());
        connections.add("c-all", Topic.all(), Optional.empty());
        connections.add("c-run-3", Topic.run("run-3"), Optional.empty());
        List<RunProgress> changes = new ArrayList<>();
        for (int run = 1; run <= 3; run++) {
            for (int change = 1; change <= 2; change++) {
                changes.add(new RunProgress("run-" + run, "alice", RunStatus.LOADING, 100, change * 10, 0, change,
                        1_000, change, 0, 10, T0.plusMillis(change)));
            }
        }
        changes.add(new RunProgress("run-4", "bob", RunStatus.LOADING, 1, 0, 0, 0, 1, 0, 0, null, T0));
        try (PublishProgress publish = publish(Duration.ofSeconds(2))) {
            var outcome = publish.publish(changes);
            assertEquals(3 + 4 + 1, outcome.delivered(), "alice's 3 runs to c-mine and c-all, bob's to c-all, run-3");
            assertEquals(Map.of("SUBS#RUN#run-1", 1, "SUBS#RUN#run-2", 1, "SUBS#RUN#run-3", 1, "SUBS#RUN#run-4", 1,
                    "SUBS#OWNER#alice", 1, "SUBS#OWNER#bob", 1, "SUBS#ALL#*", 1), connections.reads);
            assertEquals(3, sockets.received("c-mine").size());
            assertEquals(4, sockets.received("c-all").size());
        }
    }

    private PublishProgress publish(Duration timeout) {
        return new PublishProgress(connections, sockets, new SocketMessages(JSON), timeout);
    }

    /** In-memory ConnectionRepository. */
    private static final class Subscriptions implements ConnectionRepository {
        private final Map<String, List<Subscriber>> byTopic = new LinkedHashMap<>();
        private final List<String> deleted = new CopyOnWriteArrayList<>();
        private final Map<String, Integer> reads = new ConcurrentHashMap<>();
        private volatile String failFor;

        void add(String connectionId, Topic topic, Optional<RunProgress> seen) {
            byTopic.computeIfAbsent(key(topic), k -> new ArrayList<>()).add(new Subscriber(connectionId, seen));
        }

        private static String key(Topic topic) {
            return "SUBS#" + topic.kind() + "#" + topic.key();
        }

        @Override
        public void save(Connection connection) {
        }

        @Override
        public boolean saveWithinLimit(Connection connection, int maxPerOwner) {
            return true;
        }

        @Override
        public Optional<Connection> find(String connectionId) {
            return Optional.empty();
        }

        @Override
        public void delete(String connectionId) {
            deleted.add(connectionId);
        }

        @Override
        public void subscribe(String connectionId, Topic topic, Optional<RunProgress> seen, Instant expiresAt) {
            add(connectionId, topic, seen);
        }

        @Override
        public void unsubscribe(String connectionId, Topic topic) {
        }

        @Override
        public List<Subscriber> subscribers(Topic topic) {
            reads.merge(key(topic), 1, Integer::sum);
            if (key(topic).equals(failFor)) {
                throw new IllegalStateException("throttled");
            }
            return byTopic.getOrDefault(key(topic), List.of());
        }
    }

    /** In-memory sockets: records what each connection got; some are gone, some hang until released. */
    private static final class Sockets implements ConnectionMessenger {
        private final Map<String, List<String>> received = new ConcurrentHashMap<>();
        private final Set<String> gone = ConcurrentHashMap.newKeySet();
        private final Map<String, CountDownLatch> hang = new ConcurrentHashMap<>();

        List<String> received(String connectionId) {
            return List.copyOf(received.getOrDefault(connectionId, List.of()));
        }

        @Override
        public Delivery post(String connectionId, String message) {
            if (gone.contains(connectionId)) {
                return Delivery.GONE;
            }
            CountDownLatch latch = hang.get(connectionId);
            if (latch != null) {
                try {
                    latch.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Delivery.FAILED;
                }
            }
            received.computeIfAbsent(connectionId, id -> new CopyOnWriteArrayList<>()).add(message);
            return Delivery.DELIVERED;
        }
    }
}
