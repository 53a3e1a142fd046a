package dev.sluice.adapter.out.postgres;

import dev.sluice.application.port.ExternalDatabase;
import dev.sluice.application.port.PublishedRows;
import dev.sluice.domain.destination.ConnectionProblem;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;

/**
 * A destination's PostgreSQL or Redshift, reached with pgjdbc: one connection per call (destinations are many and
 * used rarely, so nothing is pooled across them), short connect timeouts, the destination's sslmode.
 *
 * <p>Exactly once per (run, destination): the rows and a marker row in {@code <schema>.sluice_deliveries} commit in
 * one target transaction. The marker is claimed first ({@code INSERT ... ON CONFLICT DO NOTHING}; on Redshift, which
 * enforces no keys, a SELECT then an INSERT under its serializable isolation); a claim that finds the marker commits
 * nothing more, and an attempt that fails anywhere rolls back its marker with its rows, so the next attempt redoes
 * the whole delivery.
 */
public final class ExternalPostgres implements ExternalDatabase {
    /** The marker table each target schema gets. */
    public static final String MARKER_TABLE = "sluice_deliveries";
    /** PostgreSQL allows 65535 bind parameters per statement; batches stay well below. */
    private static final int MAX_BATCH_PARAMETERS = 30_000;
    private static final int MAX_BATCH_ROWS = 1_000;
    private static final int COPY_BUFFER_BYTES = 1 << 16;

    private final Duration connectTimeout;
    private final Duration testSocketTimeout;
    private final Duration deliverySocketTimeout;

    public ExternalPostgres() {
        this(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(300));
    }

    /**
     * @param connectTimeout        how long to wait for the server to accept (and sign in)
     * @param testSocketTimeout     how long one statement of a test or an introspection may wait for an answer
     * @param deliverySocketTimeout the same for a delivery's statements (a large COPY answers only at its end)
     */
    public ExternalPostgres(Duration connectTimeout, Duration testSocketTimeout, Duration deliverySocketTimeout) {
        this.connectTimeout = connectTimeout;
        this.testSocketTimeout = testSocketTimeout;
        this.deliverySocketTimeout = deliverySocketTimeout;
    }

    // ---- test connection and introspection ----

    @Override
    public Optional<Failure> test(Target target) {
        try (Connection connection = connect(target, testSocketTimeout)) {
            String qualified = qualified(target.schema(), target.table());
            if (!relationExists(connection, target.schema(), target.table())) {
                return Optional.of(new Failure(ConnectionProblem.TABLE_NOT_FOUND, "table " + shown(target)
                        + " does not exist in database '" + target.database() + "'"));
            }
            List<String> present = columns(connection, target.schema(), target.table()).stream()
                    .map(Column::name).toList();
            List<String> missing = target.columns().stream().filter(c -> !present.contains(c)).toList();
            if (!missing.isEmpty()) {
                return Optional.of(new Failure(ConnectionProblem.TABLE_NOT_FOUND, "table " + shown(target)
                        + " has no column " + missing.stream().map(c -> "'" + c + "'")
                        .collect(Collectors.joining(", ")) + "; its columns are " + present));
            }
            for (String privilege : privilegesNeeded(target)) {
                if (!hasTablePrivilege(connection, qualified, privilege)) {
                    return Optional.of(new Failure(ConnectionProblem.PERMISSION_DENIED, "user '" + target.user()
                            + "' lacks the " + privilege + " privilege on table " + shown(target) + ", which "
                            + target.strategy().wireName() + " needs"));
                }
            }
            if (relationExists(connection, target.schema(), MARKER_TABLE)) {
                String marker = qualified(target.schema(), MARKER_TABLE);
                for (String privilege : List.of("SELECT", "INSERT")) {
                    if (!hasTablePrivilege(connection, marker, privilege)) {
                        return Optional.of(new Failure(ConnectionProblem.PERMISSION_DENIED, "user '" + target.user()
                                + "' lacks the " + privilege + " privilege on " + target.schema() + "."
                                + MARKER_TABLE + ", where Sluice records each delivered run"));
                    }
                }
            } else if (!hasSchemaCreate(connection, target.schema())) {
                return Optional.of(new Failure(ConnectionProblem.PERMISSION_DENIED, "user '" + target.user()
                        + "' may not create tables in schema '" + target.schema() + "': Sluice creates "
                        + MARKER_TABLE + " there to record each delivered run (or create it and grant SELECT, "
                        + "INSERT on it)"));
            }
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of(classify(e, target));
        } catch (Failure e) {
            return Optional.of(e);
        }
    }

    private static List<String> privilegesNeeded(Target target) {
        return switch (target.strategy()) {
            case INSERT -> List.of("INSERT");
            case TRUNCATE_INSERT -> List.of("INSERT", "DELETE");
            case UPSERT -> target.kind().copyAndOnConflict() ? List.of("INSERT", "UPDATE", "SELECT")
                    : List.of("INSERT", "DELETE", "SELECT");
        };
    }

    @Override
    public List<String> schemas(Target target) {
        return query(target, "SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN "
                + "('pg_catalog', 'information_schema') AND schema_name NOT LIKE 'pg\\_%' ORDER BY schema_name",
                List.of(), rows -> rows.getString(1));
    }

    @Override
    public List<String> tables(Target target, String schema) {
        return query(target, "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type "
                + "IN ('BASE TABLE', 'VIEW') AND table_name <> '" + MARKER_TABLE + "' ORDER BY table_name",
                List.of(schema), rows -> rows.getString(1));
    }

    @Override
    public List<Column> columns(Target target, String schema, String table) {
        try (Connection connection = connect(target, testSocketTimeout)) {
            return columns(connection, schema, table);
        } catch (SQLException e) {
            throw classify(e, target);
        }
    }

    private static List<Column> columns(Connection connection, String schema, String table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT column_name, data_type, is_nullable "
                + "FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
                + "ORDER BY ordinal_position")) {
            statement.setString(1, schema);
            statement.setString(2, table);
            List<Column> columns = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(new Column(rows.getString(1), rows.getString(2), "YES".equals(rows.getString(3))));
                }
            }
            return columns;
        }
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rows) throws SQLException;
    }

    private <T> List<T> query(Target target, String sql, List<String> parameters, RowMapper<T> mapper) {
        try (Connection connection = connect(target, testSocketTimeout);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setString(i + 1, parameters.get(i));
            }
            List<T> values = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(mapper.map(rows));
                }
            }
            return values;
        } catch (SQLException e) {
            throw classify(e, target);
        }
    }

    private static boolean relationExists(Connection connection, String schema, String table) throws SQLException {
        // pg_catalog lists tables whatever the user's privileges (information_schema hides those without any).
        try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_catalog.pg_class c JOIN "
                + "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static boolean hasTablePrivilege(Connection connection, String qualified, String privilege)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT has_table_privilege(?, ?)")) {
            statement.setString(1, qualified);
            statement.setString(2, privilege);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
    }

    private static boolean hasSchemaCreate(Connection connection, String schema) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT has_schema_privilege(?, 'CREATE')")) {
            statement.setString(1, schema);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
    }

    // ---- delivery ----

    @Override
    public Outcome deliver(Target target, String runId, PublishedRows.RowStream rows) {
        try (Connection connection = connect(target, deliverySocketTimeout)) {
            ensureMarkerTable(connection, target.schema());
            connection.setAutoCommit(false);
            try {
                Optional<Long> earlier = claimMarker(connection, target, runId);
                if (earlier.isPresent()) {
                    connection.rollback();
                    return new Outcome(earlier.get(), true);
                }
                long written = switch (target.strategy()) {
                    case INSERT -> write(connection, target, qualified(target.schema(), target.table()),
                            target.columns(), rows, false);
                    case TRUNCATE_INSERT -> {
                        // DELETE, not TRUNCATE: readers keep seeing the old rows until the commit (TRUNCATE takes
                        // an exclusive lock, and on Redshift commits on its own, which would break atomicity).
                        try (Statement statement = connection.createStatement()) {
                            statement.executeUpdate("DELETE FROM " + qualified(target.schema(), target.table()));
                        }
                        yield write(connection, target, qualified(target.schema(), target.table()),
                                target.columns(), rows, false);
                    }
                    case UPSERT -> upsert(connection, target, rows);
                };
                try (PreparedStatement update = connection.prepareStatement("UPDATE "
                        + qualified(target.schema(), MARKER_TABLE) + " SET rows = ? WHERE run_id = ? AND "
                        + "destination_id = ?")) {
                    update.setLong(1, written);
                    update.setString(2, runId);
                    update.setString(3, target.destinationId());
                    update.executeUpdate();
                }
                connection.commit();
                return new Outcome(written, false);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw classify(e, target);
        }
    }

    private static void ensureMarkerTable(Connection connection, String schema) throws SQLException {
        String sql = "CREATE TABLE IF NOT EXISTS " + qualified(schema, MARKER_TABLE) + " (run_id varchar(128) NOT NULL,"
                + " destination_id varchar(128) NOT NULL, rows bigint NOT NULL, delivered_at timestamptz NOT NULL, "
                + "PRIMARY KEY (run_id, destination_id))";
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            // Two first deliveries at once: both may pass IF NOT EXISTS; the loser's unique violation on the
            // catalog means the table is there now.
            if (!"23505".equals(e.getSQLState()) || !relationExists(connection, schema, MARKER_TABLE)) {
                throw e;
            }
        }
    }

    /** Empty when this attempt holds the marker now; else the rows the earlier delivery committed. */
    private static Optional<Long> claimMarker(Connection connection, Target target, String runId)
            throws SQLException {
        String marker = qualified(target.schema(), MARKER_TABLE);
        if (target.kind().copyAndOnConflict()) {
            // A concurrent attempt's uncommitted claim makes this INSERT wait, then do nothing once that commits.
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + marker + " (run_id, "
                    + "destination_id, rows, delivered_at) VALUES (?, ?, 0, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, runId);
                insert.setString(2, target.destinationId());
                insert.setTimestamp(3, Timestamp.from(Instant.now()));
                if (insert.executeUpdate() == 1) {
                    return Optional.empty();
                }
            }
            return markerRows(connection, marker, runId, target.destinationId());
        }
        Optional<Long> earlier = markerRows(connection, marker, runId, target.destinationId());
        if (earlier.isPresent()) {
            return earlier;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + marker + " (run_id, "
                + "destination_id, rows, delivered_at) VALUES (?, ?, 0, ?)")) {
            insert.setString(1, runId);
            insert.setString(2, target.destinationId());
            insert.setTimestamp(3, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
        return Optional.empty();
    }

    private static Optional<Long> markerRows(Connection connection, String marker, String runId,
            String destinationId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT rows FROM " + marker
                + " WHERE run_id = ? AND destination_id = ?")) {
            select.setString(1, runId);
            select.setString(2, destinationId);
            try (ResultSet found = select.executeQuery()) {
                return found.next() ? Optional.of(found.getLong(1)) : Optional.empty();
            }
        }
    }

    /**
     * The run's rows go into a staging table first; the last row of each key wins (a run may hold a key twice), then
     * one set-based statement merges them: ON CONFLICT (key) DO UPDATE, or on Redshift DELETE of the matching keys
     * and INSERT. Returns the rows inserted or updated.
     */
    private long upsert(Connection connection, Target target, PublishedRows.RowStream rows) throws SQLException {
        String table = qualified(target.schema(), target.table());
        String stage = quote("sluice_stage");
        String columns = columnList(target.columns());
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TEMP TABLE " + stage + " AS SELECT " + columns + ", CAST(0 AS bigint) AS "
                    + "sluice_ord FROM " + table + " WHERE 1 = 0");
        }
        List<String> staged = new ArrayList<>(target.columns());
        staged.add("sluice_ord");
        write(connection, target, stage, staged, rows, true);
        String keys = columnList(target.key());
        String latest = "SELECT " + columns + " FROM (SELECT " + columns + ", row_number() OVER (PARTITION BY "
                + keys + " ORDER BY sluice_ord DESC) AS sluice_rank FROM " + stage + ") ranked WHERE sluice_rank = 1";
        long written;
        try (Statement statement = connection.createStatement()) {
            if (target.kind().copyAndOnConflict()) {
                List<String> others = target.columns().stream().filter(c -> !target.key().contains(c)).toList();
                String action = others.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + others.stream()
                        .map(c -> quote(c) + " = EXCLUDED." + quote(c)).collect(Collectors.joining(", "));
                written = statement.executeUpdate("INSERT INTO " + table + " (" + columns + ") " + latest
                        + " ON CONFLICT (" + keys + ") " + action);
            } else {
                statement.executeUpdate("DELETE FROM " + table + " USING " + stage + " WHERE " + target.key().stream()
                        .map(k -> table + "." + quote(k) + " = " + stage + "." + quote(k))
                        .collect(Collectors.joining(" AND ")));
                written = statement.executeUpdate("INSERT INTO " + table + " (" + columns + ") " + latest);
            }
            statement.execute("DROP TABLE " + stage);
        }
        return written;
    }

    /** Writes the rows into {@code table}: COPY where the target takes it, else batched multi-row INSERTs. */
    private long write(Connection connection, Target target, String table, List<String> columns,
            PublishedRows.RowStream rows, boolean numbered) throws SQLException {
        if (target.kind().copyAndOnConflict()) {
            return copy(connection, table, columns, rows, numbered);
        }
        return insertBatches(connection, table, columns, rows, numbered);
    }

    private static long copy(Connection connection, String table, List<String> columns,
            PublishedRows.RowStream rows, boolean numbered) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " ("
                + columnList(columns) + ") FROM STDIN WITH (FORMAT csv)");
        try {
            CsvRowWriter writer = new CsvRowWriter(copy);
            long[] number = {0};
            rows.forEach(row -> {
                number[0]++;
                writer.row(row, numbered ? number[0] : -1);
            });
            writer.flush();
            return copy.endCopy();
        } catch (CopyFailed e) {
            throw (SQLException) e.getCause();
        } finally {
            if (copy.isActive()) {
                try {
                    copy.cancelCopy();
                } catch (SQLException ignored) {
                    // the transaction is rolled back by the caller anyway
                }
            }
        }
    }

    /** CSV lines into the COPY stream: null is an unquoted empty field, every value is quoted. */
    private static final class CsvRowWriter {
        private final CopyIn copy;
        private final StringBuilder buffer = new StringBuilder(COPY_BUFFER_BYTES);

        CsvRowWriter(CopyIn copy) {
            this.copy = copy;
        }

        void row(List<String> values, long number) {
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    buffer.append(',');
                }
                String value = values.get(i);
                if (value != null) {
                    buffer.append('"').append(value.replace("\"", "\"\"")).append('"');
                }
            }
            if (number >= 0) {
                buffer.append(',').append(number);
            }
            buffer.append('\n');
            if (buffer.length() >= COPY_BUFFER_BYTES) {
                flush();
            }
        }

        void flush() {
            if (buffer.isEmpty()) {
                return;
            }
            byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
            buffer.setLength(0);
            try {
                copy.writeToCopy(bytes, 0, bytes.length);
            } catch (SQLException e) {
                throw new CopyFailed(e);
            }
        }
    }

    /** Carries a COPY write's SQLException out of the row callback. */
    private static final class CopyFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CopyFailed(SQLException cause) {
            super(cause);
        }
    }

    private static long insertBatches(Connection connection, String table, List<String> columns,
            PublishedRows.RowStream rows, boolean numbered) throws SQLException {
        int width = columns.size();
        int batchRows = Math.max(1, Math.min(MAX_BATCH_ROWS, MAX_BATCH_PARAMETERS / width));
        List<List<String>> batch = new ArrayList<>(batchRows);
        long[] written = {0};
        long[] number = {0};
        Consumer<List<List<String>>> flush = pending -> {
            try {
                written[0] += insertBatch(connection, table, columns, pending);
            } catch (SQLException e) {
                throw new CopyFailed(e);
            }
            pending.clear();
        };
        try {
            rows.forEach(row -> {
                number[0]++;
                List<String> values = row;
                if (numbered) {
                    values = new ArrayList<>(row);
                    values.add(Long.toString(number[0]));
                }
                batch.add(values);
                if (batch.size() == batchRows) {
                    flush.accept(batch);
                }
            });
            if (!batch.isEmpty()) {
                flush.accept(batch);
            }
        } catch (CopyFailed e) {
            throw (SQLException) e.getCause();
        }
        return written[0];
    }

    private static int insertBatch(Connection connection, String table, List<String> columns,
            List<List<String>> rows) throws SQLException {
        String placeholders = "(" + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
        String sql = "INSERT INTO " + table + " (" + columnList(columns) + ") VALUES "
                + String.join(", ", java.util.Collections.nCopies(rows.size(), placeholders));
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            int parameter = 1;
            for (List<String> row : rows) {
                for (String value : row) {
                    insert.setString(parameter++, value);
                }
            }
            return insert.executeUpdate();
        }
    }

    // ---- connections and errors ----

    private Connection connect(Target target, Duration socketTimeout) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", target.user());
        properties.setProperty("password", target.password() == null ? "" : target.password());
        properties.setProperty("sslmode", target.sslMode().wireName());
        properties.setProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
        properties.setProperty("loginTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
        properties.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
        properties.setProperty("ApplicationName", "sluice-delivery");
        // Values are sent untyped: the server casts each text to its column's type, whatever the column is.
        properties.setProperty("stringtype", "unspecified");
        properties.setProperty("tcpKeepAlive", "true");
        String host = target.host().contains(":") ? "[" + target.host() + "]" : target.host();
        String url = "jdbc:postgresql://" + host + ":" + target.port() + "/"
                + URLEncoder.encode(target.database(), StandardCharsets.UTF_8).replace("+", "%20");
        return DriverManager.getConnection(url, properties);
    }

    /**
     * The user-facing reason for a driver error, by SQLSTATE and cause, worded here: the driver's own message can
     * quote what was sent, so only the server's primary message for a refused row is passed on, and never with the
     * password in it.
     */
    static Failure classify(SQLException e, Target target) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = target.host() + ":" + target.port();
        Throwable cause = rootCause(e);
        if (cause instanceof SocketTimeoutException || "57014".equals(state)) {
            return new Failure(ConnectionProblem.TIMEOUT, "no answer from " + where + " in time");
        }
        if (state.equals("28P01") || state.equals("28000")) {
            return new Failure(ConnectionProblem.AUTH_FAILED, "the server at " + where + " refused user '"
                    + target.user() + "' with the password given");
        }
        if (state.equals("3D000")) {
            return new Failure(ConnectionProblem.DATABASE_NOT_FOUND, "there is no database '" + target.database()
                    + "' at " + where);
        }
        if (state.equals("42501")) {
            return new Failure(ConnectionProblem.PERMISSION_DENIED, "user '" + target.user() + "' lacks a privilege "
                    + "this needs on " + shown(target) + ": " + serverMessage(e, target));
        }
        if (state.equals("42P01") || state.equals("3F000")) {
            return new Failure(ConnectionProblem.TABLE_NOT_FOUND, "table " + shown(target) + " (or its schema) does "
                    + "not exist in database '" + target.database() + "'");
        }
        if (state.startsWith("08") || cause instanceof ConnectException || cause instanceof UnknownHostException
                || cause instanceof NoRouteToHostException || cause instanceof IOException) {
            String reason = cause instanceof UnknownHostException ? "the host name does not resolve"
                    : cause instanceof ConnectException ? "the connection was refused" : "the connection failed";
            return new Failure(ConnectionProblem.HOST_UNREACHABLE, "cannot reach " + where + ": " + reason);
        }
        return new Failure(ConnectionProblem.REJECTED_ROWS, shown(target) + " refused the delivery (SQLSTATE "
                + state + "): " + serverMessage(e, target));
    }

    private static String serverMessage(SQLException e, Target target) {
        String message = e instanceof PSQLException psql && psql.getServerErrorMessage() != null
                ? psql.getServerErrorMessage().getMessage() : "see the target's log";
        if (message == null) {
            return "";
        }
        String password = target.password();
        return password == null || password.isEmpty() ? message : message.replace(password, "***");
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; closing it ends the transaction on the server
        }
    }

    private static String shown(Target target) {
        return "'" + target.schema() + "." + target.table() + "'";
    }

    static String qualified(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    /** A quoted identifier: any name is safe in SQL text this way (quotes doubled). */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String columnList(List<String> columns) {
        return columns.stream().map(ExternalPostgres::quote).collect(Collectors.joining(", "));
    }
}
