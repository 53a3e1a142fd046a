package dev.sluice.adapter.out.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.port.RecordRepository.StoredError;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The export reads against a real PostgreSQL: order, text forms, and rows handed over one page at a time. */
class PostgresExportReaderTest {
    private static EmbeddedPostgres postgres;
    private static ConnectionPool pool;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Migrations.apply(postgres.getPostgresDatabase());
        pool = new ConnectionPool(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", 2);
    }

    @AfterAll
    static void stop() throws Exception {
        pool.close();
        postgres.close();
    }

    @Test
    void errorsComeInRecordOrderThenInTheOrderTheirProblemsWereFound() throws SQLException {
        String runId = UUID.randomUUID().toString();
        execute("INSERT INTO row_errors (run_id, record_no, seq, line_no, column_name, code, message, raw_excerpt) "
                + "VALUES ('" + runId + "', 12, 2, 14, 'Spend', 'NEGATIVE', 'b', '-5'), "
                + "('" + runId + "', 3, 1, NULL, NULL, 'CHUNK_FAILED', 'dead', NULL), "
                + "('" + runId + "', 12, 1, 14, 'Date', 'INVALID_DATE', 'a', 'x'), "
                + "('other', 1, 1, 2, NULL, 'FIELD_COUNT', 'elsewhere', NULL)");
        List<StoredError> errors = new ArrayList<>();

        new PostgresExportReader(pool).errors(runId, errors::add);

        assertEquals(List.of(new StoredError(3, null, null, "CHUNK_FAILED", "dead", null),
                new StoredError(12, 14L, "Date", "INVALID_DATE", "a", "x"),
                new StoredError(12, 14L, "Spend", "NEGATIVE", "b", "-5")), errors);
    }

    @Test
    void recordsAreTextInCanonicalOrderThenTheAskedExtraColumns() throws SQLException {
        String runId = UUID.randomUUID().toString();
        execute("INSERT INTO records (run_id, record_no, line_no, dataset_id, date, campaign, channel, spend, clicks, "
                + "conversions, impressions, extra) VALUES "
                + "('" + runId + "', 2, 3, 'd', '2024-03-02', 'B', 'social', NULL, NULL, NULL, NULL, '{}'), "
                + "('" + runId + "', 1, 2, 'd', '2024-03-01', 'A', 'search', 1234567.50, 7, 0.125, 9000000000, "
                + "'{\"Note\": \"=x\", \"Region\": \"EU\"}')");
        List<List<String>> rows = new ArrayList<>();

        new PostgresExportReader(pool).records(runId, List.of("Region", "Note", "Missing"), rows::add);

        assertEquals(List.of(
                List.of("2024-03-01", "A", "search", "1234567.50", "7", "0.125", "9000000000", "EU", "=x", ""),
                List.of("2024-03-02", "B", "social", "", "", "", "", "", "", "")), rows);
    }

    @Test
    void rowsArriveOnePageAtATimeEachHandedOverBeforeTheNextPageIsFetched() throws SQLException {
        String runId = UUID.randomUUID().toString();
        execute("INSERT INTO records (run_id, record_no, line_no, dataset_id, date, campaign, channel, extra) "
                + "SELECT '" + runId + "', n, n + 1, 'd', DATE '2024-01-01' + (n % 365)::int, 'c' || n, 'web', "
                + "jsonb_build_object('n', n::text) FROM generate_series(1, 200000) AS n");
        List<String> events = new ArrayList<>();
        long[] seen = {0};
        long[] lastRecord = {0};
        boolean[] inOrder = {true};
        PostgresExportReader reader = new PostgresExportReader(pool, 1000, rows -> events.add("page " + rows));

        reader.records(runId, List.of("n"), values -> {
            long n = Long.parseLong(values.get(7));
            inOrder[0] &= n == lastRecord[0] + 1 && values.get(1).equals("c" + n);
            lastRecord[0] = n;
            if (seen[0]++ % 1000 == 0) {
                events.add("row " + n);
            }
        });

        assertEquals(200_000, seen[0]);
        assertTrue(inOrder[0], "every record once, in record order, with its own values");
        List<String> expected = new ArrayList<>();
        for (int page = 0; page < 200; page++) {
            expected.add("page 1000");
            expected.add("row " + (page * 1000 + 1));
        }
        assertEquals(expected, events, "200 pages of 1,000 rows, each consumed before the next is fetched");
    }

    @Test
    void aRunWithoutRawRecordsOrADatabaseWithoutTheirTableHasNoRawColumns() throws SQLException {
        assertEquals(List.of(), new PostgresExportReader(pool).rawColumns("nobody"));
        // The raw dataset's table as its migration makes it, in a schema of this test's own.
        execute("CREATE SCHEMA IF NOT EXISTS rawtest");
        execute("CREATE TABLE rawtest.raw_records (run_id text, record_no bigint, line_no bigint, data jsonb)");
        execute("INSERT INTO rawtest.raw_records VALUES ('r', 2, 3, '{\"b\": \"2\", \"a\": \"x\"}'), "
                + "('r', 1, 2, '{\"b\": \"1\", \"a\": \"=y\"}')");
        try (ConnectionPool schema = new ConnectionPool(postgres.getJdbcUrl("postgres", "postgres")
                + "&currentSchema=rawtest,public", "postgres", "", 1)) {
            PostgresExportReader reader = new PostgresExportReader(schema);
            assertEquals(List.of("a", "b"), reader.rawColumns("r").stream().sorted().toList());
            List<List<String>> rows = new ArrayList<>();
            reader.rawRecords("r", List.of("b", "a", "c"), rows::add);
            assertEquals(List.of(List.of("1", "=y", ""), List.of("2", "x", "")), rows);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
