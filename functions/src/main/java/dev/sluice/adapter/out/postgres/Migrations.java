package dev.sluice.adapter.out.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Applies the versioned SQL files under {@code db/migration/} (listed in order in {@code index.txt}) that the
 * database has not seen yet. Used by the local runtime at start and by the deploy step on AWS, so both
 * databases go through the same scripts.
 */
public final class Migrations {
    /** Serializes concurrent starts (several cold Lambdas, or two local runtimes on one database). */
    private static final long ADVISORY_LOCK_KEY = 0x5151CE0001L;

    private Migrations() {
    }

    /** Returns the versions applied by this call. */
    public static List<String> apply(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK_KEY + ")");
                statement.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                        + "version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            }
            List<String> applied = new ArrayList<>();
            for (String file : index()) {
                if (isApplied(connection, file)) {
                    continue;
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute(read("db/migration/" + file));
                }
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO schema_migrations (version) VALUES (?)")) {
                    insert.setString(1, file);
                    insert.executeUpdate();
                }
                applied.add(file);
            }
            connection.commit();
            return applied;
        } catch (SQLException e) {
            throw new IllegalStateException("database migration failed: " + e.getMessage(), e);
        }
    }

    private static boolean isApplied(Connection connection, String file) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM schema_migrations WHERE version = ?")) {
            query.setString(1, file);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static List<String> index() {
        return read("db/migration/index.txt").lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    private static String read(String resource) {
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing migration resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
