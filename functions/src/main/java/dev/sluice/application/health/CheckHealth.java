package dev.sluice.application.health;

import dev.sluice.application.port.HealthProbe;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/health}: every probe at once, each bounded by the same timeout, so a hung dependency makes the
 * answer slower by at most the timeout instead of hanging the load balancer's call. A failing check is reported by a
 * fixed, safe sentence (the exception, which may name hosts or users, goes to the log only).
 */
public final class CheckHealth {
    private static final Logger LOG = LoggerFactory.getLogger(CheckHealth.class);
    /** The probe facts of the chunk queue that say how old its oldest message is, in seconds. */
    public static final String OLDEST_MESSAGE_AGE = "oldestMessageAgeSeconds";

    private final Supplier<List<HealthProbe>> probeSource;
    private final Duration timeout;
    private List<HealthProbe> probes;

    public CheckHealth(List<HealthProbe> probes, Duration timeout) {
        this(() -> probes, timeout);
    }

    /** @param probes built on the first check, so a function that is never asked builds no client for it */
    public CheckHealth(Supplier<List<HealthProbe>> probes, Duration timeout) {
        this.probeSource = probes;
        this.timeout = timeout;
    }

    private synchronized List<HealthProbe> probes() {
        if (probes == null) {
            probes = List.copyOf(probeSource.get());
        }
        return probes;
    }

    /**
     * @param ok      whether the dependency answered in time
     * @param millis  how long it took (the timeout when it did not answer)
     * @param facts   what the probe reported (empty when down)
     * @param message why it is down, safe to show; null when ok
     */
    public record Check(boolean ok, long millis, Map<String, Object> facts, String message) {
        public Check {
            facts = Map.copyOf(facts);
        }
    }

    public record Health(Map<String, Check> checks) {
        public Health {
            checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
        }

        public boolean up() {
            return checks.values().stream().allMatch(Check::ok);
        }

        public List<String> down() {
            return checks.entrySet().stream().filter(e -> !e.getValue().ok()).map(Map.Entry::getKey).toList();
        }
    }

    public Health check() {
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Map<String, Future<Map<String, Object>>> running = new LinkedHashMap<>();
            Map<String, Long> started = new LinkedHashMap<>();
            for (HealthProbe probe : probes()) {
                started.put(probe.name(), System.nanoTime());
                running.put(probe.name(), executor.submit(probe::probe));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            Map<String, Check> checks = new LinkedHashMap<>();
            running.forEach((name, future) -> checks.put(name, outcome(name, future, started.get(name), deadline)));
            return new Health(checks);
        } finally {
            // Not close(): it would wait for a hung probe, which is what the deadline is there to avoid.
            executor.shutdownNow();
        }
    }

    private Check outcome(String name, Future<Map<String, Object>> future, long started, long deadline) {
        try {
            Map<String, Object> facts = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return new Check(true, millisSince(started), facts == null ? Map.of() : facts, null);
        } catch (TimeoutException e) {
            future.cancel(true);
            LOG.warn("health check {} did not answer within {} ms", name, timeout.toMillis());
            return new Check(false, timeout.toMillis(), Map.of(), "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            LOG.warn("health check {} failed", name, e.getCause());
            return new Check(false, millisSince(started), Map.of(), "the check failed ("
                    + e.getCause().getClass().getSimpleName() + "); details are in the function's log");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check(false, millisSince(started), Map.of(), "interrupted");
        }
    }

    private static long millisSince(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }
}
