package dev.sluice.local.soak;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Exactly once, judged by what PostgreSQL holds per record identity (run id, record number), not by any counter: a
 * run of N records must hold every number 1..N exactly once, either as a stored record or as a record with row
 * errors, and nothing else. {@code lost} counts numbers held nowhere, {@code duplicated} rows beyond the first for
 * one number (in {@code records}, or a number both stored and rejected), {@code foreign} numbers outside 1..N.
 */
public final class RecordIdentity {
    private RecordIdentity() {
    }

    /** What PostgreSQL holds for one run. */
    public record RunCheck(String runId, long expected, long storedRows, long storedDistinct, long rejectedDistinct,
            long storedAndRejected, long foreign) {
        public long lost() {
            return Math.max(0, expected - (storedDistinct + rejectedDistinct - storedAndRejected - foreign));
        }

        public long duplicated() {
            return storedRows - storedDistinct + storedAndRejected;
        }

        public boolean exact() {
            return lost() == 0 && duplicated() == 0 && foreign == 0;
        }
    }

    /** Totals over the runs checked, and the runs that are not exact. */
    public record Result(long lost, long duplicated, long foreign, List<RunCheck> wrong) {
    }

    /** Checks every run against its expected number of records. */
    public static Result check(DataSource database, Map<String, Long> expectedByRun) throws SQLException {
        try (Connection connection = database.getConnection()) {
            return check(connection, expectedByRun);
        }
    }

    /** The same over a connection the caller owns. */
    public static Result check(Connection connection, Map<String, Long> expectedByRun) throws SQLException {
        Map<String, long[]> facts = new HashMap<>();
        expectedByRun.keySet().forEach(run -> facts.put(run, new long[5]));
        Array runs = connection.createArrayOf("text", expectedByRun.keySet().toArray());
        // count(*) against count(DISTINCT): the primary key forbids a stored duplicate, and this proves it held.
        query(connection, runs, "SELECT run_id, count(*), count(DISTINCT record_no) FROM records "
                + "WHERE run_id = ANY(?) GROUP BY run_id", facts, 0, 1);
        query(connection, runs, "SELECT run_id, count(DISTINCT record_no) FROM row_errors "
                + "WHERE run_id = ANY(?) GROUP BY run_id", facts, 2);
        query(connection, runs, "SELECT r.run_id, count(*) FROM records r JOIN (SELECT DISTINCT run_id, "
                + "record_no FROM row_errors WHERE run_id = ANY(?)) e USING (run_id, record_no) GROUP BY r.run_id",
                facts, 3);
        // Numbers outside 1..N, in either table; the expected N travels as a parallel array.
        List<String> ids = new ArrayList<>(expectedByRun.keySet());
        Array idArray = connection.createArrayOf("text", ids.toArray());
        Array limits = connection.createArrayOf("bigint", ids.stream().map(expectedByRun::get).toArray());
        try (PreparedStatement statement = connection.prepareStatement("WITH expected AS (SELECT * FROM "
                + "unnest(?::text[], ?::bigint[]) AS x(run_id, n)), numbers AS (SELECT run_id, record_no FROM "
                + "records WHERE run_id = ANY(?) UNION SELECT run_id, record_no FROM row_errors "
                + "WHERE run_id = ANY(?)) SELECT numbers.run_id, count(*) FROM numbers JOIN expected "
                + "USING (run_id) WHERE record_no < 1 OR record_no > n GROUP BY numbers.run_id")) {
            statement.setArray(1, idArray);
            statement.setArray(2, limits);
            statement.setArray(3, idArray);
            statement.setArray(4, idArray);
            collect(statement, facts, 4);
        }
        long lost = 0;
        long duplicated = 0;
        long foreign = 0;
        List<RunCheck> wrong = new ArrayList<>();
        for (Map.Entry<String, Long> run : expectedByRun.entrySet()) {
            long[] f = facts.get(run.getKey());
            RunCheck check = new RunCheck(run.getKey(), run.getValue(), f[0], f[1], f[2], f[3], f[4]);
            lost += check.lost();
            duplicated += check.duplicated();
            foreign += check.foreign();
            if (!check.exact()) {
                wrong.add(check);
            }
        }
        return new Result(lost, duplicated, foreign, List.copyOf(wrong));
    }

    private static void query(Connection connection, Array runs, String sql, Map<String, long[]> facts,
            int... columns) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, runs);
            collect(statement, facts, columns);
        }
    }

    private static void collect(PreparedStatement statement, Map<String, long[]> facts, int... columns)
            throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                long[] f = facts.get(rows.getString(1));
                for (int i = 0; i < columns.length; i++) {
                    f[columns[i]] = rows.getLong(i + 2);
                }
            }
        }
    }
}
