package dev.sluice.adapter.out.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A few reused JDBC connections. On Lambda an instance serves one invocation at a time, so one idle
 * connection is kept per instance (Aurora's max_connections bounds LoadConcurrency, not this class); the
 * local runtime shares one handler across concurrent pollers and keeps more.
 */
public final class ConnectionPool implements AutoCloseable {
    /** PostgreSQL's SQLSTATE for a rejected password (invalid_password). */
    private static final String INVALID_PASSWORD = "28P01";

    private final String url;
    private final PasswordSource password;
    private final Properties properties = new Properties();
    private final BlockingQueue<Connection> idle;

    public ConnectionPool(String url, String user, String password, int maxIdle) {
        this(url, user, PasswordSource.fixed(password), maxIdle);
    }

    public ConnectionPool(String url, String user, PasswordSource password, int maxIdle) {
        this.url = url;
        this.password = password;
        properties.setProperty("user", user);
        properties.setProperty("ApplicationName", "sluice");
        // COPY and multi-row statements make round trips rare; keep the socket from hanging forever.
        properties.setProperty("socketTimeout", "300");
        properties.setProperty("connectTimeout", "10");
        this.idle = new ArrayBlockingQueue<>(Math.max(1, maxIdle));
    }

    /** A connection whose statements store every bound string safely ({@link PostgresText#guard}). */
    public Connection borrow() throws SQLException {
        Connection connection;
        while ((connection = idle.poll()) != null) {
            if (connection.isValid(2)) {
                return connection;
            }
            closeQuietly(connection);
        }
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("DB_URL is not set: this function is not wired to the database");
        }
        try {
            return connect();
        } catch (SQLException e) {
            if (!INVALID_PASSWORD.equals(e.getSQLState())) {
                throw e;
            }
            // The secret was rotated since it was read: read it again, once.
            password.refresh();
            return connect();
        }
    }

    private Connection connect() throws SQLException {
        Properties withPassword = new Properties();
        withPassword.putAll(properties);
        withPassword.setProperty("password", password.password());
        return PostgresText.guard(DriverManager.getConnection(url, withPassword));
    }

    /** Returns a healthy connection; pass {@code broken = true} after an error that may have spoiled it. */
    public void release(Connection connection, boolean broken) {
        if (connection == null) {
            return;
        }
        try {
            if (broken || connection.isClosed() || !connection.getAutoCommit() && !resetTransaction(connection)) {
                closeQuietly(connection);
                return;
            }
        } catch (SQLException e) {
            closeQuietly(connection);
            return;
        }
        if (!idle.offer(connection)) {
            closeQuietly(connection);
        }
    }

    private static boolean resetTransaction(Connection connection) {
        try {
            connection.rollback();
            connection.setAutoCommit(true);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing a broken connection: nothing more to do
        }
    }

    /** What runs on a borrowed connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} on a borrowed connection and gives it back; an {@link SQLException} drops the connection
     * (it may be broken) and is thrown as a {@link PostgresRecordRepository.DatabaseException}.
     */
    public <T> T withConnection(Work<T> work) {
        Connection connection = null;
        boolean broken = false;
        try {
            connection = borrow();
            return work.run(connection);
        } catch (SQLException e) {
            broken = true;
            throw new PostgresRecordRepository.DatabaseException(e);
        } finally {
            release(connection, broken);
        }
    }

    /**
     * Runs {@code work} in one transaction on a borrowed connection: committed when it returns (unless it ended the
     * transaction itself), rolled back when it throws; the connection is back in autocommit either way.
     */
    public <T> T inTransaction(Work<T> work) {
        return withConnection(connection -> {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                if (!connection.getAutoCommit()) {
                    connection.commit();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        });
    }

    @Override
    public void close() {
        Connection connection;
        while ((connection = idle.poll()) != null) {
            closeQuietly(connection);
        }
    }
}
