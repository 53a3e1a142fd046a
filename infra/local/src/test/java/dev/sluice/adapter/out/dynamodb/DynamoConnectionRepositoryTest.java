package dev.sluice.adapter.out.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.ConnectionRepository.Connection;
import dev.sluice.application.port.ConnectionRepository.Subscriber;
import dev.sluice.domain.progress.RunProgress;
import dev.sluice.domain.progress.Topic;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.SharedStack;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Connections and subscriptions in the runs table of the local stack, read back through the subscribers index. */
@ExtendWith(SharedStack.class)
class DynamoConnectionRepositoryTest {

    private static DynamoConnectionRepository repository(LocalSluice sluice) {
        return new DynamoConnectionRepository(sluice.dynamoDbClient(), sluice.tableName("RunsTable"));
    }

    @Test
    void aConnectionKeepsItsCallerAndLosesEverythingOnDelete(LocalSluice sluice) {
        var connections = repository(sluice);
        String id = "C" + UUID.randomUUID().toString().substring(0, 10) + "=";
        String runId = UUID.randomUUID().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        connections.save(new Connection(id, new Caller("alice", false), now, now.plusSeconds(7200)));
        RunProgress seen = new RunProgress(runId, "alice", RunStatus.LOADING, 100, 40, 2, 4_000, 10_000, 4, 0, 10,
                Instant.parse("2026-11-29T14:05:30.412Z"));
        connections.subscribe(id, Topic.run(runId), Optional.of(seen), now.plusSeconds(7200));
        connections.subscribe(id, Topic.owner("alice"), Optional.empty(), now.plusSeconds(7200));

        assertEquals(new Caller("alice", false), connections.find(id).orElseThrow().caller());
        assertEquals(List.of(new Subscriber(id, Optional.of(seen))), connections.subscribers(Topic.run(runId)),
                "the snapshot state comes back whole from the index");
        assertTrue(connections.subscribers(Topic.owner("alice")).contains(new Subscriber(id, Optional.empty())));

        connections.unsubscribe(id, Topic.owner("alice"));
        assertTrue(connections.subscribers(Topic.owner("alice")).stream().noneMatch(s -> s.connectionId().equals(id)));
        connections.delete(id);
        assertEquals(Optional.empty(), connections.find(id));
        assertEquals(List.of(), connections.subscribers(Topic.run(runId)));
        connections.delete(id);
    }

    @Test
    void subscribingToARunMarksTheRunWatchedNeverShorterAndNeverCreatesARun(LocalSluice sluice) {
        var connections = repository(sluice);
        var runs = new DynamoRunRepository(sluice.dynamoDbClient(), sluice.tableName("RunsTable"),
                java.time.Clock.systemUTC());
        String runId = UUID.randomUUID().toString();
        runs.create(dev.sluice.domain.run.Run.created(runId, "alice", "default", "f.csv", "b", "k",
                dev.sluice.domain.run.Run.RunSource.DROP, RunStatus.RECEIVED, 10, java.util.Map.of(), Instant.now()));
        assertEquals(Optional.empty(), watchedUntil(sluice, runId), "nobody subscribed yet");
        Instant later = Instant.now().plusSeconds(7200).truncatedTo(ChronoUnit.SECONDS);
        connections.subscribe("W1" + runId.substring(0, 8) + "=", Topic.run(runId), Optional.empty(), later);
        assertEquals(Optional.of(later.getEpochSecond()), watchedUntil(sluice, runId));
        connections.subscribe("W2" + runId.substring(0, 8) + "=", Topic.run(runId), Optional.empty(),
                later.minusSeconds(600));
        assertEquals(Optional.of(later.getEpochSecond()), watchedUntil(sluice, runId), "never lowered");
        assertTrue(dev.sluice.adapter.wire.RunProgressItems.watchedAt(name -> attribute(sluice, runId, name),
                Instant.now()));
        assertEquals(RunStatus.RECEIVED, runs.find(runId).orElseThrow().status(), "the run is otherwise unchanged");

        String missing = UUID.randomUUID().toString();
        connections.subscribe("W3" + missing.substring(0, 8) + "=", Topic.run(missing), Optional.empty(), later);
        assertEquals(Optional.empty(), runs.find(missing), "no run item appears for a run that does not exist");
    }

    private static Optional<Long> watchedUntil(LocalSluice sluice, String runId) {
        return Optional.ofNullable(attribute(sluice, runId, "watchedUntil")).map(Long::parseLong);
    }

    private static String attribute(LocalSluice sluice, String runId, String name) {
        var value = sluice.dynamoDbClient().getItem(b -> b.tableName(sluice.tableName("RunsTable"))
                .key(DynamoRunRepository.runKey(runId)).consistentRead(true)).item().get(name);
        return value == null ? null : value.n();
    }

    @Test
    void expiredItemsCountAsGoneBeforeTheTtlSweepRemovesThem(LocalSluice sluice) {
        var connections = repository(sluice);
        String id = "E" + UUID.randomUUID().toString().substring(0, 10) + "=";
        String runId = UUID.randomUUID().toString();
        Instant past = Instant.now().minusSeconds(60);
        connections.save(new Connection(id, Caller.LOCAL_ADMIN, past.minusSeconds(7200), past));
        connections.subscribe(id, Topic.run(runId), Optional.empty(), past);
        assertEquals(Optional.empty(), connections.find(id));
        assertEquals(List.of(), connections.subscribers(Topic.run(runId)));
    }

    @Test
    void concurrentConnectsOfOneOwnerNeverExceedTheLimitAndADeleteFreesASlot(LocalSluice sluice) throws Exception {
        var connections = repository(sluice);
        String owner = "racer-" + UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        int limit = 3;
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add("R" + i + UUID.randomUUID().toString().substring(0, 8) + "=");
        }
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(ids.size());
        List<String> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(ids.size())) {
            List<java.util.concurrent.Future<?>> claims = new java.util.ArrayList<>();
            for (String id : ids) {
                claims.add(pool.submit(() -> {
                    start.await();
                    if (connections.saveWithinLimit(new Connection(id, new Caller(owner, false), now,
                            now.plusSeconds(7200)), limit)) {
                        accepted.add(id);
                    }
                    return null;
                }));
            }
            for (var claim : claims) {
                claim.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        assertTrue(accepted.size() <= limit, "at most " + limit + " of 12 racing connects: " + accepted);
        assertTrue(!accepted.isEmpty(), "someone got a slot");
        for (String id : ids) {
            assertEquals(accepted.contains(id), connections.find(id).isPresent(), "only accepted ones are saved");
        }
        while (accepted.size() < limit) {
            String id = "F" + UUID.randomUUID().toString().substring(0, 8) + "=";
            assertTrue(connections.saveWithinLimit(new Connection(id, new Caller(owner, false), now,
                    now.plusSeconds(7200)), limit), "room left");
            accepted.add(id);
        }
        String late = "L" + UUID.randomUUID().toString().substring(0, 8) + "=";
        Connection lateConnection = new Connection(late, new Caller(owner, false), now, now.plusSeconds(7200));
        assertTrue(!connections.saveWithinLimit(lateConnection, limit), "full");
        assertTrue(connections.saveWithinLimit(new Connection("other" + late, new Caller(owner + "-b", false), now,
                now.plusSeconds(7200)), limit), "the limit is per owner");
        connections.delete(accepted.get(0));
        assertTrue(connections.saveWithinLimit(lateConnection, limit), "a deleted connection's slot is free again");
    }
}
