package dev.sluice.config;

import java.lang.management.ManagementFactory;

/**
 * Measures a handler's init phase as Lambda has it: loading the class and running its no-arg constructor in a fresh
 * JVM (one process per measurement; see README "Cold start"). SDK clients and the JDBC pool open no connection when
 * built, so the endpoints in the environment may be unreachable. Prints one line:
 * {@code handler constructMillis uptimeMillis cpuMillis}: the constructor's wall time, JVM start to handler ready,
 * and the CPU time the process used until then (all threads: JIT and GC included), which depends far less on what
 * else the machine is running than the wall times do.
 */
public final class InitTimeProbe {
    private InitTimeProbe() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        Object handler = Class.forName(args[0]).getConstructor().newInstance();
        long constructMillis = (System.nanoTime() - started) / 1_000_000;
        long uptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        long cpuMillis = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
        System.out.println(handler.getClass().getSimpleName() + " " + constructMillis + " " + uptimeMillis + " "
                + cpuMillis);
        // Lambda keeps the instance; here the process ends without waiting for client threads.
        System.exit(0);
    }
}
