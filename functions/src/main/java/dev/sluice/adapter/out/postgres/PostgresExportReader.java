package dev.sluice.adapter.out.postgres;

import dev.sluice.adapter.out.postgres.PostgresRecordRepository.DatabaseException;
import dev.sluice.application.port.ExportReader;
import dev.sluice.application.port.RecordRepository.StoredError;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Reads a run's records and row errors for a download through a server-side cursor ({@code DECLARE ... CURSOR},
 * then {@code FETCH FORWARD} one page at a time in a read-only transaction): PostgreSQL keeps the result, the
 * function holds one page, and each row reaches the consumer before the next page is fetched.
 */
public final class PostgresExportReader implements ExportReader {
    /** Rows per FETCH: ~1,000 rows of a wide export are a few hundred KiB, one round trip each. */
    public static final int PAGE_ROWS = 1000;

    private static final String CANONICAL = "date::text, campaign, channel, spend::text, clicks::text, "
            + "conversions::text, impressions::text";
    /** The values of the named keys of a JSONB object, in the order of the names (a text[] parameter). */
    private static final String VALUES_OF = "ARRAY(SELECT %s ->> k.name FROM unnest(?::text[]) WITH ORDINALITY "
            + "AS k(name, position) ORDER BY k.position)";

    private final ConnectionPool pool;
    private final int pageRows;
    private final IntConsumer pageFetched;

    public PostgresExportReader(ConnectionPool pool) {
        this(pool, PAGE_ROWS, rows -> { });
    }

    /** @param pageFetched told the number of rows of each page as it arrives (tests watch the paging with it) */
    PostgresExportReader(ConnectionPool pool, int pageRows, IntConsumer pageFetched) {
        if (pageRows < 1) {
            throw new IllegalArgumentException("pageRows must be at least 1, was " + pageRows);
        }
        this.pool = pool;
        this.pageRows = pageRows;
        this.pageFetched = pageFetched;
    }

    @FunctionalInterface
    private interface Row<T> {
        T read(ResultSet rows) throws SQLException;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(Connection connection, PreparedStatement statement) throws SQLException;
    }

    @Override
    public void errors(String runId, Consumer<StoredError> each) {
        stream("SELECT record_no, line_no, column_name, code, message, raw_excerpt FROM row_errors "
                + "WHERE run_id = ? ORDER BY record_no, seq", (connection, query) -> query.setString(1, runId),
                rows -> {
                    long lineNo = rows.getLong(2);
                    Long line = rows.wasNull() ? null : lineNo;
                    return new StoredError(rows.getLong(1), line, rows.getString(3), rows.getString(4),
                            rows.getString(5), rows.getString(6));
                }, each);
    }

    @Override
    public void records(String runId, List<String> extraColumns, Consumer<List<String>> each) {
        stream("SELECT ARRAY[" + CANONICAL + "] || " + VALUES_OF.formatted("extra") + " FROM records "
                + "WHERE run_id = ? ORDER BY record_no", (connection, query) -> {
                    query.setArray(1, connection.createArrayOf("text", extraColumns.toArray()));
                    query.setString(2, runId);
                }, PostgresExportReader::strings, each);
    }

    @Override
    public List<String> rawColumns(String runId) {
        Connection connection = null;
        boolean broken = false;
        try {
            connection = pool.borrow();
            if (!hasRawRecords(connection)) {
                return List.of();
            }
            try (PreparedStatement query = connection.prepareStatement("SELECT ARRAY(SELECT jsonb_object_keys(data)) "
                    + "FROM raw_records WHERE run_id = ? ORDER BY record_no LIMIT 1")) {
                query.setString(1, runId);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next() ? strings(rows) : List.of();
                }
            }
        } catch (SQLException e) {
            broken = true;
            throw new DatabaseException(e);
        } finally {
            pool.release(connection, broken);
        }
    }

    @Override
    public void rawRecords(String runId, List<String> columns, Consumer<List<String>> each) {
        stream("SELECT " + VALUES_OF.formatted("data") + " FROM raw_records WHERE run_id = ? ORDER BY record_no",
                (connection, query) -> {
                    query.setArray(1, connection.createArrayOf("text", columns.toArray()));
                    query.setString(2, runId);
                }, PostgresExportReader::strings, each);
    }

    /** Whether the raw dataset's table (migration V2) is there, with the columns this reader reads. */
    private static boolean hasRawRecords(Connection connection) throws SQLException {
        try (Statement query = connection.createStatement();
                ResultSet rows = query.executeQuery("SELECT count(*) FROM information_schema.columns "
                        + "WHERE table_schema = current_schema() AND table_name = 'raw_records' "
                        + "AND column_name IN ('run_id', 'record_no', 'data')")) {
            rows.next();
            return rows.getInt(1) == 3;
        }
    }

    private static List<String> strings(ResultSet rows) throws SQLException {
        Array array = rows.getArray(1);
        Object[] values = (Object[]) array.getArray();
        array.free();
        List<String> text = new ArrayList<>(values.length);
        for (Object value : values) {
            text.add(value == null ? "" : value.toString());
        }
        return text;
    }

    private <T> void stream(String sql, Binder binder, Row<T> row, Consumer<T> each) {
        Connection connection = null;
        boolean broken = false;
        try {
            connection = pool.borrow();
            connection.setAutoCommit(false);
            try {
                // A cursor lives in its transaction; read only, it holds no lock a loader would wait for.
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET TRANSACTION READ ONLY");
                }
                try (PreparedStatement declare = connection.prepareStatement(
                        "DECLARE sluice_export NO SCROLL CURSOR FOR " + sql)) {
                    binder.bind(connection, declare);
                    declare.execute();
                }
                // A plain statement, not a prepared one: the driver would keep a prepared FETCH server-side with the
                // row shape of the first cursor it read, and the next export on this connection has another shape.
                try (Statement fetch = connection.createStatement()) {
                    int fetched;
                    do {
                        fetched = 0;
                        List<T> page = new ArrayList<>(Math.min(pageRows, PAGE_ROWS));
                        try (ResultSet rows = fetch.executeQuery("FETCH FORWARD " + pageRows + " FROM sluice_export")) {
                            while (rows.next()) {
                                page.add(row.read(rows));
                                fetched++;
                            }
                        }
                        if (fetched > 0) {
                            pageFetched.accept(fetched);
                        }
                        page.forEach(each);
                    } while (fetched == pageRows);
                }
            } finally {
                // Ends the transaction and with it the cursor, also when the consumer failed half way.
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            broken = true;
            throw new DatabaseException(e);
        } finally {
            pool.release(connection, broken);
        }
    }
}
