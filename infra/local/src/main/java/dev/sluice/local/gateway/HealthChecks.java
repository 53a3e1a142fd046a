package dev.sluice.local.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What {@code GET /_local/health} checks: one cheap call per named dependency, all at once, each given the same
 * deadline, so a hung emulator makes the answer slow by at most the timeout instead of hanging the caller.
 */
public final class HealthChecks {
    /** A call that throws when its dependency cannot answer. */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    /** The answer: HTTP status and a JSON body naming each check's result. */
    public record Report(int status, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Check> checks;
    private final Duration timeout;

    public HealthChecks(Map<String, Check> checks, Duration timeout) {
        this.checks = new LinkedHashMap<>(checks);
        this.timeout = timeout;
    }

    /** For a gateway that fronts nothing to check. */
    public static HealthChecks none() {
        return new HealthChecks(Map.of(), Duration.ZERO);
    }

    /** 200 with {@code "status":"ok"} when every check answered in time, else 503 naming which are down. */
    public Report run() {
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Map<String, Future<?>> running = new LinkedHashMap<>();
            checks.forEach((name, check) -> running.put(name, executor.submit(() -> {
                check.run();
                return null;
            })));
            long deadline = System.nanoTime() + timeout.toNanos();
            Map<String, String> results = new LinkedHashMap<>();
            running.forEach((name, future) -> results.put(name, outcome(future, deadline)));
            boolean up = results.values().stream().allMatch("ok"::equals);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", up ? "ok" : "down");
            body.put("checks", results);
            return new Report(up ? 200 : 503, JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("health report not writable", e);
        } finally {
            // Not close(): it would wait for a hung check, which is what the deadline is there to avoid.
            executor.shutdownNow();
        }
    }

    private String outcome(Future<?> future, long deadline) {
        try {
            future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return "ok";
        } catch (TimeoutException e) {
            future.cancel(true);
            return "down: no answer within " + timeout.toMillis() + " ms";
        } catch (ExecutionException e) {
            return "down: " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "down: interrupted";
        }
    }
}
