package dev.sluice.local.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.sluice.local.LocalSluice;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Where the CPU goes while a benchmark phase runs: this JVM as a whole (emulators, gateway, functions), the loader
 * threads inside it, and the PostgreSQL server. On a 2-core host the end-to-end time is decided by how these share
 * the cores, which wall time alone does not show.
 */
final class CpuMeter {
    /** The loader's logical id in template.yaml. */
    private static final String LOAD_FUNCTION = "LoadFunction";

    private final OperatingSystemMXBean process = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    private final List<String> loaderThreadPrefixes;
    private final Optional<PostgresServerCpu> postgres;

    private CpuMeter(List<String> loaderThreadPrefixes, Optional<PostgresServerCpu> postgres) {
        this.loaderThreadPrefixes = loaderThreadPrefixes;
        this.postgres = postgres;
    }

    /** CPU time at one moment; only the difference of two means anything. */
    record Sample(long wallNanos, long jvmCpuNanos, Map<Long, Long> loaderThreadCpuNanos,
            OptionalDouble postgresCpuSeconds, long jitMillis) {
    }

    /** CPU seconds spent between two samples; a figure that could not be measured is empty. */
    record Usage(double wallSeconds, double jvmSeconds, OptionalDouble loaderThreadSeconds,
            OptionalDouble postgresSeconds, OptionalDouble jitSeconds, int cores) {
    }

    static CpuMeter of(LocalSluice sluice, Connection connection) throws SQLException, InterruptedException {
        // SqsEventSource names its pollers sqs-<function>-<event>-<n>, starts them once and keeps them; the function
        // runs on the poller that received the batch, so these threads' time is the loaders' time.
        List<String> prefixes = sluice.eventSources(LOAD_FUNCTION).stream()
                .map(source -> "sqs-" + source.function().logicalId() + "-" + source.mapping().name() + "-")
                .toList();
        return new CpuMeter(prefixes, PostgresServerCpu.find(connection));
    }

    Sample sample() {
        return new Sample(System.nanoTime(), process.getProcessCpuTime(), loaderThreadCpuNanos(),
                postgres.map(PostgresServerCpu::cpuSeconds).orElse(OptionalDouble.empty()), jitMillis());
    }

    Usage between(Sample before, Sample after) {
        return new Usage((after.wallNanos() - before.wallNanos()) / 1e9,
                (after.jvmCpuNanos() - before.jvmCpuNanos()) / 1e9,
                loaderThreadSeconds(before.loaderThreadCpuNanos(), after.loaderThreadCpuNanos()),
                difference(before.postgresCpuSeconds(), after.postgresCpuSeconds()),
                before.jitMillis() < 0 ? OptionalDouble.empty()
                        : OptionalDouble.of((after.jitMillis() - before.jitMillis()) / 1e3),
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * Empty unless the same loader threads were alive at both samples: a thread that ended took its CPU time with it,
     * so any other set would report less than was spent.
     */
    private static OptionalDouble loaderThreadSeconds(Map<Long, Long> before, Map<Long, Long> after) {
        if (before.isEmpty() || !before.keySet().equals(after.keySet())) {
            return OptionalDouble.empty();
        }
        long nanos = 0;
        for (Map.Entry<Long, Long> thread : after.entrySet()) {
            nanos += thread.getValue() - before.get(thread.getKey());
        }
        return OptionalDouble.of(nanos / 1e9);
    }

    /**
     * Time the JIT compiler threads have spent, summed over them; -1 where not monitored. Part of the JVM's CPU: a
     * JVM that is still compiling competes with the loaders and PostgreSQL for the same cores.
     */
    private long jitMillis() {
        return compiler != null && compiler.isCompilationTimeMonitoringSupported()
                ? compiler.getTotalCompilationTime() : -1;
    }

    private Map<Long, Long> loaderThreadCpuNanos() {
        Map<Long, Long> cpuNanos = new HashMap<>();
        if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
            return cpuNanos;
        }
        for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (thread != null && isLoaderThread(thread.getThreadName())) {
                long nanos = threads.getThreadCpuTime(thread.getThreadId());
                if (nanos >= 0) {
                    cpuNanos.put(thread.getThreadId(), nanos);
                }
            }
        }
        return cpuNanos;
    }

    private boolean isLoaderThread(String threadName) {
        return loaderThreadPrefixes.stream().anyMatch(threadName::startsWith);
    }

    private static OptionalDouble difference(OptionalDouble before, OptionalDouble after) {
        return before.isPresent() && after.isPresent()
                ? OptionalDouble.of(after.getAsDouble() - before.getAsDouble())
                : OptionalDouble.empty();
    }
}
