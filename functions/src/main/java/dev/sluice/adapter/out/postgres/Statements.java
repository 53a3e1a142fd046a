package dev.sluice.adapter.out.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** One-shot statements whose parameters are all text, for the set-based SQL of publishing and its rollups. */
final class Statements {
    /**
     * A temporary table of fewer rows than this is not analysed. Without statistics the planner still knows its size
     * (from its pages) and guesses selectivities, which for a few thousand rows makes no slower plan; an ANALYZE of
     * a small run's staged records took 7-10 ms of a publish that holds its dataset's lock for about 100 ms.
     */
    static final long ANALYZE_FROM_ROWS = 10_000;

    private Statements() {
    }

    /** Analyses a temporary table just filled with {@code rows} rows, if it is large enough to need it. */
    static void analyzeIfLarge(Connection connection, String table, long rows) throws SQLException {
        if (rows >= ANALYZE_FROM_ROWS) {
            execute(connection, "ANALYZE " + table);
        }
    }

    static void execute(Connection connection, String sql, String... parameters) throws SQLException {
        executeCount(connection, sql, parameters);
    }

    /** The number of rows the statement changed. */
    static long executeCount(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeLargeUpdate();
        }
    }

    /** The first column of the first row, a count. */
    static long count(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters);
                ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    /** Whether the query answers a row. */
    static boolean exists(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters);
                ResultSet row = statement.executeQuery()) {
            return row.next();
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, String... parameters)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }
}
