package dev.sluice.local.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * CPU time of a PostgreSQL server on this machine, from Linux's {@code /proc}: the postmaster and every process under
 * it (backends, WAL writer, checkpointer, autovacuum).
 *
 * <p>The server is found through the parent of a backend, not among this JVM's child processes: embedded PostgreSQL
 * is started with {@code pg_ctl}, which exits once the server is up, so the postmaster is re-parented to init.
 */
final class PostgresServerCpu {
    private static final Path PROC = Path.of("/proc");
    /** USER_HZ, the unit of /proc times; 100 on every mainstream Linux build, used if getconf cannot say. */
    private static final long DEFAULT_CLOCK_TICKS_PER_SECOND = 100;
    /** proc(5) numbers stat fields from 1; the text after the command name starts at field 3, the state. */
    private static final int FIRST_FIELD_AFTER_COMMAND = 3;
    private static final int UTIME = 14;
    private static final int CSTIME = 17;

    private final ProcessHandle postmaster;
    private final double clockTicksPerSecond;

    private PostgresServerCpu(ProcessHandle postmaster, long clockTicksPerSecond) {
        this.postmaster = postmaster;
        this.clockTicksPerSecond = clockTicksPerSecond;
    }

    /** The server behind {@code connection}, or empty if it is not a local PostgreSQL or there is no /proc. */
    static Optional<PostgresServerCpu> find(Connection connection) throws SQLException, InterruptedException {
        if (!Files.isReadable(PROC.resolve("self/stat"))) {
            return Optional.empty();
        }
        Optional<ProcessHandle> postmaster = ProcessHandle.of(backendPid(connection))
                .flatMap(ProcessHandle::parent)
                .filter(parent -> parent.info().command().filter(command -> command.contains("postgres")).isPresent());
        if (postmaster.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PostgresServerCpu(postmaster.get(), clockTicksPerSecond()));
    }

    /**
     * CPU seconds the server has used so far, or empty once it is gone. Each process counts its own time and that of
     * the children it has waited for (cutime, cstime): a backend that ends between two readings moves its time into
     * the postmaster's, so the difference of two readings counts every process once, including those that started
     * or ended in between.
     */
    OptionalDouble cpuSeconds() {
        long ticks;
        try {
            ticks = processTicks(postmaster.pid());
        } catch (IOException e) {
            return OptionalDouble.empty();
        }
        for (ProcessHandle process : postmaster.descendants().toList()) {
            try {
                ticks += processTicks(process.pid());
            } catch (IOException e) {
                // Ended after it was listed: its time moves into the postmaster's cutime, which was already read, so
                // this one reading misses it. Backends rarely end mid-run: the loaders keep their connections.
            }
        }
        return OptionalDouble.of(ticks / clockTicksPerSecond);
    }

    /** utime + stime + cutime + cstime from one line of {@code /proc/<pid>/stat}. */
    static long ticks(String stat) {
        // The command name is in parentheses and may itself contain spaces and ")": count fields after the last one.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long ticks = 0;
        for (int field = UTIME; field <= CSTIME; field++) {
            ticks += Long.parseLong(fields[field - FIRST_FIELD_AFTER_COMMAND]);
        }
        return ticks;
    }

    private static long processTicks(long pid) throws IOException {
        return ticks(Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.US_ASCII));
    }

    private static long backendPid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet pid = statement.executeQuery("SELECT pg_backend_pid()")) {
            pid.next();
            return pid.getLong(1);
        }
    }

    private static long clockTicksPerSecond() throws InterruptedException {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            try (InputStream output = getconf.getInputStream()) {
                String ticks = new String(output.readAllBytes(), StandardCharsets.US_ASCII).trim();
                return getconf.waitFor() == 0 ? Long.parseLong(ticks) : DEFAULT_CLOCK_TICKS_PER_SECOND;
            }
        } catch (IOException | NumberFormatException e) {
            return DEFAULT_CLOCK_TICKS_PER_SECOND;
        }
    }
}
