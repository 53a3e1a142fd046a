package dev.sluice.adapter.out.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.port.ExternalDatabase;
import dev.sluice.application.port.ExternalDatabase.Column;
import dev.sluice.application.port.ExternalDatabase.Target;
import dev.sluice.domain.destination.ConnectionProblem;
import dev.sluice.domain.destination.DestinationKind;
import dev.sluice.domain.destination.LoadStrategy;
import dev.sluice.domain.destination.SslMode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Test-connection and introspection against a real, separate PostgreSQL with password authentication: each problem a
 * user can fix gets its own code and a message that never holds the password.
 */
class ExternalPostgresConnectionTest {
    private static final String PASSWORD = "s3cret-Value-9931";
    private static final String READER_PASSWORD = "r3ader-Only-5521";
    private static EmbeddedPostgres target;
    private final ExternalPostgres external = new ExternalPostgres(Duration.ofSeconds(3), Duration.ofSeconds(10),
            Duration.ofSeconds(30));

    @BeforeAll
    static void start() throws Exception {
        target = ExternalDeliveryTest.startTarget();
        ExternalDeliveryTest.execute(target.getPostgresDatabase(),
                "CREATE ROLE writer LOGIN PASSWORD '" + PASSWORD + "'",
                "CREATE ROLE reader LOGIN PASSWORD '" + READER_PASSWORD + "'",
                "CREATE SCHEMA analytics", "GRANT USAGE, CREATE ON SCHEMA analytics TO writer",
                "GRANT USAGE ON SCHEMA analytics TO reader",
                "CREATE TABLE analytics.spend (day date NOT NULL, campaign text, amount numeric(10,2))",
                "CREATE TABLE analytics.other (id bigint)",
                "GRANT SELECT, INSERT ON analytics.spend, analytics.other TO writer",
                "GRANT SELECT ON analytics.spend TO reader");
    }

    @AfterAll
    static void stop() throws Exception {
        target.close();
    }

    private static Target target(int port, String database, String user, String password, String table) {
        return new Target("dst_00000000000000000001", DestinationKind.POSTGRES, "127.0.0.1", port, database, user,
                password, SslMode.DISABLE, "analytics", table, List.of("day", "campaign", "amount"),
                LoadStrategy.INSERT, List.of());
    }

    private static Target good() {
        return target(target.getPort(), "postgres", "writer", PASSWORD, "spend");
    }

    private static ExternalDatabase.Failure problem(Optional<ExternalDatabase.Failure> result, String password) {
        assertTrue(result.isPresent(), "a problem is reported");
        assertFalse(result.get().getMessage().contains(password), result.get().getMessage());
        assertFalse(String.valueOf(result.get().getCause()).contains(password));
        return result.get();
    }

    @Test
    void aUsableTargetPasses() {
        assertEquals(Optional.empty(), external.test(good()));
    }

    @Test
    void aPortNobodyListensOnIsHostUnreachable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ExternalDatabase.Failure failure = problem(external.test(target(port, "postgres", "writer", PASSWORD,
                "spend")), PASSWORD);
        assertEquals(ConnectionProblem.HOST_UNREACHABLE, failure.problem());
        assertTrue(failure.getMessage().contains("127.0.0.1:" + port), failure.getMessage());
    }

    @Test
    void aWrongPasswordIsAuthFailedAndNeverQuoted() {
        String wrong = "wrong-Password-77";
        ExternalDatabase.Failure failure = problem(external.test(target(target.getPort(), "postgres", "writer",
                wrong, "spend")), wrong);
        assertEquals(ConnectionProblem.AUTH_FAILED, failure.problem());
        assertFalse(failure.getMessage().contains(PASSWORD));
        assertTrue(failure.getMessage().contains("'writer'"), failure.getMessage());
    }

    @Test
    void aMissingDatabaseIsDatabaseNotFound() {
        ExternalDatabase.Failure failure = problem(external.test(target(target.getPort(), "nowhere", "writer",
                PASSWORD, "spend")), PASSWORD);
        assertEquals(ConnectionProblem.DATABASE_NOT_FOUND, failure.problem());
    }

    @Test
    void aRoleWithoutInsertIsPermissionDenied() {
        ExternalDatabase.Failure failure = problem(external.test(target(target.getPort(), "postgres", "reader",
                READER_PASSWORD, "spend")), READER_PASSWORD);
        assertEquals(ConnectionProblem.PERMISSION_DENIED, failure.problem());
        assertTrue(failure.getMessage().contains("INSERT"), failure.getMessage());
    }

    @Test
    void aMissingTableOrColumnIsTableNotFound() {
        assertEquals(ConnectionProblem.TABLE_NOT_FOUND, problem(external.test(target(target.getPort(), "postgres",
                "writer", PASSWORD, "absent")), PASSWORD).problem());
        Target wrongColumn = new Target("dst_00000000000000000001", DestinationKind.POSTGRES, "127.0.0.1",
                target.getPort(), "postgres", "writer", PASSWORD, SslMode.DISABLE, "analytics", "spend",
                List.of("day", "nope"), LoadStrategy.INSERT, List.of());
        ExternalDatabase.Failure failure = problem(external.test(wrongColumn), PASSWORD);
        assertEquals(ConnectionProblem.TABLE_NOT_FOUND, failure.problem());
        assertTrue(failure.getMessage().contains("'nope'"), failure.getMessage());
    }

    @Test
    void introspectionListsSchemasTablesAndColumns() {
        assertTrue(external.schemas(good()).containsAll(List.of("analytics", "public")), "" + external.schemas(good()));
        assertEquals(List.of("other", "spend"), external.tables(good(), "analytics"));
        assertEquals(List.of(new Column("day", "date", false), new Column("campaign", "text", true),
                new Column("amount", "numeric", true)), external.columns(good(), "analytics", "spend"));
    }

    @Test
    void introspectionOfAnUnreachableTargetFailsWithItsCode() {
        ExternalDatabase.Failure failure = assertThrows(ExternalDatabase.Failure.class, () -> external.schemas(
                target(target.getPort(), "postgres", "writer", "bad-Password-1", "spend")));
        assertEquals(ConnectionProblem.AUTH_FAILED, failure.problem());
    }

    @Test
    void aTargetShowsNoPasswordWhenPrinted() {
        assertFalse(good().toString().contains(PASSWORD), good().toString());
    }
}
