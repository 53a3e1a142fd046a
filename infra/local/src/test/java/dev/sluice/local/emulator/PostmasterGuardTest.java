package dev.sluice.local.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A PostgreSQL left running on the data directory (as after kill -9 of the runtime) does not block the next start. */
class PostmasterGuardTest {
    @TempDir
    Path dir;

    @Test
    void aPostgresLeftRunningOnTheDataDirectoryIsStoppedAndTheNextStartWorks() throws Exception {
        Path dataDir = dir.resolve("postgres");
        // A JVM that starts PostgreSQL and is killed with SIGKILL: exactly what a killed runtime left behind before.
        Process owner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LeftoverPostgres.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(owner.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("STARTED"));
            assertEquals("STARTED", line, "the first owner started PostgreSQL");
        }
        owner.destroyForcibly();
        owner.waitFor();
        long leftoverPid = PostmasterGuard.runningPostmaster(dataDir).orElseThrow();
        try (PostgresEmulator postgres = PostgresEmulator.startEmbedded(dataDir)) {
            assertFalse(ProcessHandle.of(leftoverPid).map(ProcessHandle::isAlive).orElse(false),
                    "the leftover server was stopped");
            Optional<Long> running = PostmasterGuard.runningPostmaster(dataDir);
            assertTrue(running.isPresent() && running.get() != leftoverPid, "a new server runs: " + running);
            try (Connection connection = postgres.dataSource().getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet one = statement.executeQuery("SELECT 1")) {
                assertTrue(one.next());
                assertEquals(1, one.getInt(1));
            }
        }
        assertFalse(Files.exists(dataDir.resolve("postmaster.pid")), "stopped cleanly at close");
    }

    /** Starts PostgreSQL on the directory given and waits to be killed. */
    public static final class LeftoverPostgres {
        public static void main(String[] args) throws Exception {
            EmbeddedPostgres.builder().setDataDirectory(Path.of(args[0])).setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1").start();
            System.out.println("STARTED");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void aStalePidFileOrAnotherDirectorysServerIsLeftAlone() throws Exception {
        Path dataDir = Files.createDirectories(dir.resolve("stale"));
        long self = ProcessHandle.current().pid();
        Files.writeString(dataDir.resolve("postmaster.pid"), self + "\n/some/other/dir\n");
        assertEquals(Optional.empty(), PostmasterGuard.runningPostmaster(dataDir), "names another directory");
        Files.writeString(dataDir.resolve("postmaster.pid"), self + "\n" + dataDir + "\n");
        assertEquals(Optional.empty(), PostmasterGuard.runningPostmaster(dataDir),
                "this pid is a java, not a postgres");
    }
}
