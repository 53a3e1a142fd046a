package dev.sluice.local.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded PostgreSQL from outliving its runtime. {@code pg_ctl} starts the postmaster as a daemon, so
 * it is not this JVM's child: a JVM killed with SIGKILL left it running, holding the data directory, and the
 * next start failed. Two guards, both keyed on the data directory's {@code postmaster.pid} (first line: the
 * postmaster's pid; second: its data directory):
 * <ul>
 *   <li>{@link #stopLeftover}: before a start, a postmaster still running for this data directory is stopped;</li>
 *   <li>{@link #watch}: after a start, a watchdog child waits for the end of its input (this JVM holds the only
 *       writing end, which the kernel closes when the JVM ends, however it ends) and then asks the postmaster
 *       to stop, if the pid file still names it.</li>
 * </ul>
 * Stopping means SIGINT, PostgreSQL's fast shutdown: open transactions roll back, data is checkpointed.
 */
final class PostmasterGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostmasterGuard.class);
    private static final String WATCHDOG =
            "cat >/dev/null; [ \"$(head -n 1 \"$2\" 2>/dev/null)\" = \"$1\" ] && kill -INT \"$1\"";

    private final Process watchdog;

    private PostmasterGuard(Process watchdog) {
        this.watchdog = watchdog;
    }

    /** Stops the postmaster a previous runtime left running on {@code dataDir}, and waits until it is gone. */
    static void stopLeftover(Path dataDir) throws IOException, InterruptedException {
        Optional<Long> pid = runningPostmaster(dataDir);
        if (pid.isEmpty()) {
            return;
        }
        LOG.warn("PostgreSQL (pid {}) is still running on {}, left by a runtime that did not stop it; stopping it",
                pid.get(), dataDir);
        ProcessHandle postmaster = ProcessHandle.of(pid.get()).orElseThrow();
        for (String signal : List.of("INT", "QUIT", "KILL")) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid.get())).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            if (awaitExit(postmaster, signal.equals("INT") ? Duration.ofSeconds(60) : Duration.ofSeconds(10))) {
                return;
            }
            LOG.warn("PostgreSQL (pid {}) did not stop after SIG{}", pid.get(), signal);
        }
        throw new IOException("PostgreSQL (pid " + pid.get() + ") on " + dataDir + " could not be stopped");
    }

    /** The pid of a live postmaster whose pid file says it serves {@code dataDir}. */
    static Optional<Long> runningPostmaster(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.size() < 2 || !lines.get(0).strip().matches("\\d+")) {
            return Optional.empty();
        }
        long pid = Long.parseLong(lines.get(0).strip());
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty() || !sameDirectory(Path.of(lines.get(1).strip()), dataDir)) {
            // A stale file (PostgreSQL ignores it when its pid is gone) or another data directory's server.
            return Optional.empty();
        }
        // A reused pid belongs to some other program; leave it alone.
        boolean postgres = process.get().info().command().map(c -> c.contains("postgres")).orElse(true);
        return postgres ? Optional.of(pid) : Optional.empty();
    }

    private static boolean sameDirectory(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) throws InterruptedException {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        }
    }

    /** Starts the watchdog for the postmaster now running on {@code dataDir}; empty if none is found. */
    static Optional<PostmasterGuard> watch(Path dataDir) throws IOException {
        Optional<Long> pid = runningPostmaster(dataDir);
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        Process watchdog = new ProcessBuilder("sh", "-c", WATCHDOG, "sluice-postgres-watchdog",
                Long.toString(pid.get()), dataDir.resolve("postmaster.pid").toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        return Optional.of(new PostmasterGuard(watchdog));
    }

    /**
     * After PostgreSQL was stopped normally: ends the watchdog without letting it signal anything (it is killed
     * before its input ends; the pid check would stop it anyway, as a clean stop removes the pid file).
     */
    @Override
    public void close() {
        watchdog.destroyForcibly();
        try {
            watchdog.getOutputStream().close();
        } catch (IOException e) {
            // The watchdog is gone either way.
        }
    }
}
