package dev.sluice.local.fault;

import dev.sluice.local.fault.FaultSpec.Kind;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database side of {@link Faults}: every connection a function opens passes through here. A chunk's load is the
 * transaction that inserts its ledger row and streams a COPY (the COPY API is reached through {@code unwrap});
 * its commit is where {@code slow-loader} waits, {@code die-after-commit} kills the loader and an armed
 * {@code db-outage} begins. During an outage new connections are refused with pgjdbc's SQLSTATE 08001 and open
 * ones are aborted (their sockets closed), as when the server goes away.
 */
final class DatabaseFaults {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseFaults.class);

    private final Faults faults;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private volatile Duration armedOutage;
    private volatile long outageEndsAt;

    DatabaseFaults(Faults faults) {
        this.faults = faults;
    }

    void armOutage(Duration length) {
        armedOutage = length;
    }

    synchronized void startOutage(Duration length) {
        armedOutage = null;
        outageEndsAt = System.nanoTime() + length.toNanos();
        LOG.warn("local fault db-outage: the database refuses connections for {} s; {} open connection(s) dropped",
                length.toSeconds(), open.size());
        for (Connection connection : open) {
            try {
                connection.abort(Runnable::run);
                faults.strike(Kind.DB_OUTAGE);
            } catch (SQLException | RuntimeException e) {
                LOG.debug("aborting a connection for the outage: {}", e.toString());
            }
        }
        open.clear();
    }

    void endOutage() {
        armedOutage = null;
        outageEndsAt = 0;
    }

    boolean down() {
        return outageEndsAt != 0 && System.nanoTime() - outageEndsAt < 0;
    }

    /** Throws what pgjdbc throws for a refused connection while the outage lasts. */
    void beforeConnect(String url) throws SQLException {
        if (down()) {
            faults.strike(Kind.DB_OUTAGE);
            long left = Math.max(1, (outageEndsAt - System.nanoTime()) / 1_000_000_000L);
            throw new SQLException("Connection to " + url + " refused (local fault db-outage, " + left
                    + " s left). Check that the hostname and port are correct and that the postmaster is "
                    + "accepting TCP/IP connections.", "08001");
        }
    }

    Connection track(Connection real) {
        open.add(real);
        return (Connection) Proxy.newProxyInstance(DatabaseFaults.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new Handler(real));
    }

    /** One connection: remembers whether its open transaction is a chunk load. */
    private final class Handler implements InvocationHandler {
        private final Connection real;
        private boolean ledgerInserted;
        private boolean copied;

        Handler(Connection real) {
            this.real = real;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            switch (name) {
                case "prepareStatement", "prepareCall" -> {
                    if (args != null && args[0] instanceof String sql
                            && sql.toUpperCase(Locale.ROOT).startsWith("INSERT INTO CHUNK_LEDGER")) {
                        ledgerInserted = true;
                    }
                }
                case "unwrap" -> copied = ledgerInserted;
                case "rollback" -> {
                    ledgerInserted = false;
                    copied = false;
                }
                case "close" -> open.remove(real);
                case "commit" -> {
                    if (ledgerInserted && copied) {
                        ledgerInserted = false;
                        copied = false;
                        commitChunk();
                        return null;
                    }
                }
                default -> {
                }
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private void commitChunk() throws SQLException {
            Duration slow = faults.slowLoaderDelay();
            if (!slow.isZero()) {
                faults.strike(Kind.SLOW_LOADER);
                try {
                    Thread.sleep(slow);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            real.commit();
            Duration outage = armedOutage;
            if (outage != null && faults.enabled(Kind.DB_OUTAGE).isPresent()) {
                startOutage(outage);
            }
            var die = faults.enabled(Kind.DIE_AFTER_COMMIT);
            if (die.isPresent() && ThreadLocalRandom.current().nextDouble() < die.get().argumentOrDefault()) {
                faults.strike(Kind.DIE_AFTER_COMMIT);
                throw new LocalProcessDeath("after its chunk's commit, before counting it and deleting its message");
            }
        }
    }
}
