package dev.sluice.local;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start opened, closed in reverse order, and where the start-up time went. Safe to use from the
 * parallel start tasks.
 */
final class Lifecycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final Map<String, Long> startupMillis = new LinkedHashMap<>();

    /** Closed by {@link #close()}, after everything registered later. Returns the resource. */
    <T> T register(T resource) {
        if (resource instanceof AutoCloseable closeable) {
            synchronized (closeables) {
                closeables.push(closeable);
            }
        }
        return resource;
    }

    /** The step, recording its duration under {@code name} when it completes. */
    <T> Callable<T> timed(String name, Callable<T> step) {
        return () -> {
            long begin = System.nanoTime();
            T result = step.call();
            startupMillis(name, (System.nanoTime() - begin) / 1_000_000);
            return result;
        };
    }

    <T> T time(String name, Callable<T> step) throws Exception {
        return timed(name, step).call();
    }

    void startupMillis(String part, long millis) {
        synchronized (startupMillis) {
            startupMillis.put(part, millis);
        }
    }

    Map<String, Long> startupMillis() {
        synchronized (startupMillis) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(startupMillis));
        }
    }

    /**
     * Runs the steps at once and waits for every one even when one fails, so nothing registers itself after
     * close() ran; then throws the first failure (the others suppressed).
     */
    void inParallel(List<Callable<Void>> steps) throws Exception {
        ExecutorService starter = Executors.newFixedThreadPool(steps.size(),
                Thread.ofPlatform().daemon(true).name("sluice-start-", 1).factory());
        try {
            List<Future<Void>> tasks = steps.stream().map(starter::submit).toList();
            Exception failure = null;
            for (Future<?> task : tasks) {
                try {
                    await(task);
                } catch (Exception e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            starter.shutdown();
        }
    }

    private static void await(Future<?> future) throws Exception {
        try {
            future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Closes what was registered, newest first; a failure is logged and the rest still close. */
    @Override
    public void close() {
        while (true) {
            AutoCloseable closeable;
            synchronized (closeables) {
                if (closeables.isEmpty()) {
                    return;
                }
                closeable = closeables.pop();
            }
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
