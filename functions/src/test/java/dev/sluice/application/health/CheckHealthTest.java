package dev.sluice.application.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.adapter.out.postgres.PostgresHealthProbe;
import dev.sluice.application.port.HealthProbe;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The checks run at once, each bounded by the timeout, and a failing one says why without the error's details. */
class CheckHealthTest {

    private static HealthProbe probe(String name, long sleepMillis, RuntimeException failure) {
        return new HealthProbe() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Map<String, Object> probe() throws Exception {
                Thread.sleep(sleepMillis);
                if (failure != null) {
                    throw failure;
                }
                return Map.of("depth", 3);
            }
        };
    }

    @Test
    void probesRunAtOnceAndAreAllOk() {
        CheckHealth health = new CheckHealth(List.of(probe("a", 400, null), probe("b", 400, null),
                probe("c", 400, null)), Duration.ofSeconds(5));
        long started = System.nanoTime();
        CheckHealth.Health result = health.check();
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(result.up());
        assertEquals(List.of("a", "b", "c"), List.copyOf(result.checks().keySet()));
        assertEquals(Map.of("depth", 3), result.checks().get("b").facts());
        assertTrue(millis < 1_100, () -> "in parallel, not 3 x 400 ms: " + millis);
    }

    @Test
    void aHungProbeIsDownAfterTheTimeoutAndAFailingOneHidesItsMessage() {
        CheckHealth health = new CheckHealth(List.of(probe("hung", 30_000, null),
                probe("failing", 0, new IllegalStateException("db.internal.example:5432 user=sluice password=s3cret")),
                probe("fine", 0, null)), Duration.ofMillis(300));
        long started = System.nanoTime();
        CheckHealth.Health result = health.check();
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 3_000, () -> "bounded by the timeout: " + millis);
        assertFalse(result.up());
        assertEquals(List.of("hung", "failing"), result.down());
        assertEquals("no answer within 300 ms", result.checks().get("hung").message());
        String message = result.checks().get("failing").message();
        assertTrue(message.contains("IllegalStateException"), message);
        assertFalse(message.contains("internal") || message.contains("s3cret") || message.contains("5432"), message);
        assertTrue(result.checks().get("fine").ok());
    }

    @Test
    void aDatabaseThatRefusesConnectionsIsDownWithoutNamingItsHost() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/sluice");
        dataSource.setUser("sluice");
        dataSource.setPassword("not-shown");
        CheckHealth.Health result = new CheckHealth(List.of(new PostgresHealthProbe(dataSource)),
                Duration.ofSeconds(5)).check();
        assertEquals(List.of("database"), result.down());
        String message = result.checks().get("database").message();
        assertFalse(message.contains("127.0.0.1") || message.contains(Integer.toString(closedPort))
                || message.contains("not-shown"), message);
    }
}
