package dev.sluice.config;

import java.lang.management.ManagementFactory;

/**
 * Measures a handler's init phase as Lambda has it: loading the class and running its no-arg constructor in a fresh
 * JVM (one process per measurement; see README "Cold start"). SDK clients and the JDBC pool open no connection when
 * built, so the endpoints in the environment may be unreachable. Prints one line:
 * {@code handler constructMillis uptimeMillis}, the second being JVM start to handler ready.
 */
public final class InitTimeProbe {
    private InitTimeProbe() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        Object handler = Class.forName(args[0]).getConstructor().newInstance();
        long constructMillis = (System.nanoTime() - started) / 1_000_000;
        long uptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        System.out.println(handler.getClass().getSimpleName() + " " + constructMillis + " " + uptimeMillis);
        // Lambda keeps the instance; here the process ends without waiting for client threads.
        System.exit(0);
    }
}
