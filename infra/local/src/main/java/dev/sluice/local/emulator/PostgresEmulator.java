package dev.sluice.local.emulator;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL: the embedded binaries (tied to this JVM by a {@link PostmasterGuard}) with their cluster in
 * {@code DATA_DIR/postgres} (kept across
 * restarts), or an external server given by JDBC URL. Either way the runtime talks to database
 * {@code sluice} as {@link #user()}.
 */
public final class PostgresEmulator implements AutoCloseable {
    public static final String DATABASE = "sluice";
    public static final String LOCAL_USER = "sluice";
    public static final String LOCAL_PASSWORD = "sluice-local";

    private final EmbeddedPostgres embedded;
    private final PostmasterGuard guard;
    private final String jdbcUrl;
    private final String user;
    private final String password;

    private PostgresEmulator(EmbeddedPostgres embedded, PostmasterGuard guard, String jdbcUrl, String user,
            String password) {
        this.embedded = embedded;
        this.guard = guard;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    public static PostgresEmulator external(String jdbcUrl, String user, String password) {
        return new PostgresEmulator(null, null, jdbcUrl, user, password == null ? "" : password);
    }

    public static PostgresEmulator startEmbedded(Path dataDir) throws IOException, SQLException, InterruptedException {
        Files.createDirectories(dataDir.getParent());
        PostmasterGuard.stopLeftover(dataDir);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.toAbsolutePath())
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "100")
                // Bulk loads write a lot of WAL; with the 1 GB default a checkpoint lands in the middle of every
                // large import and makes load times swing by half. Aurora has no such knob to turn.
                .setServerConfig("max_wal_size", "4GB")
                .setServerConfig("checkpoint_timeout", "15min")
                .start();
        PostmasterGuard guard = null;
        try {
            guard = PostmasterGuard.watch(dataDir).orElse(null);
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                    Statement statement = connection.createStatement()) {
                try (ResultSet role = statement.executeQuery(
                        "SELECT 1 FROM pg_roles WHERE rolname = '" + LOCAL_USER + "'")) {
                    if (!role.next()) {
                        statement.execute("CREATE ROLE " + LOCAL_USER + " LOGIN PASSWORD '" + LOCAL_PASSWORD + "'");
                    }
                }
                try (ResultSet database = statement.executeQuery(
                        "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                    if (!database.next()) {
                        statement.execute("CREATE DATABASE " + DATABASE + " OWNER " + LOCAL_USER);
                    }
                }
            }
            String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE;
            return new PostgresEmulator(postgres, guard, url, LOCAL_USER, LOCAL_PASSWORD);
        } catch (IOException | SQLException | RuntimeException e) {
            postgres.close();
            if (guard != null) {
                guard.close();
            }
            throw e;
        }
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public boolean embedded() {
        return embedded != null;
    }

    /**
     * The embedded server's superuser, for maintenance the local role may not do (CHECKPOINT); empty for an external
     * server.
     */
    public Optional<DataSource> superuserDataSource() {
        return embedded == null ? Optional.empty() : Optional.of(embedded.getPostgresDatabase());
    }

    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(jdbcUrl);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return dataSource;
    }

    @Override
    public void close() throws IOException {
        try {
            if (embedded != null) {
                embedded.close();
            }
        } finally {
            if (guard != null) {
                guard.close();
            }
        }
    }
}
