package dev.sluice.adapter.out.postgres;

import static dev.sluice.adapter.out.postgres.Statements.exists;

import dev.sluice.application.port.PublishedRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A run's published rows, as dataset_rows (V3) and dataset_claims (V12) keep them, in record order. {@code CHANGED}
 * is the versions the run wrote (not the keys it published as unchanged, even once one became its version by a
 * rollback); {@code COMPLETE} adds those keys, with the values of the run's own stored records. A canonical field
 * reads its column (as text, the database's own form: ISO dates, exact decimals); any other field reads the row's
 * {@code extra} (marketing) or {@code data} (raw) by name, and a raw row's {@code data} wins for a canonical name too,
 * since a raw dataset keeps every column there. Rows are fetched a page at a time with a cursor.
 */
public final class DestinationRows implements PublishedRows {
    private static final Set<String> CANONICAL = Set.of("date", "campaign", "channel", "spend", "clicks",
            "conversions", "impressions");
    private static final int FETCH_SIZE = 1000;
    private static final String ROLLED_BACK = "SELECT 1 FROM publish_ledger WHERE run_id = ? "
            + "AND rolled_back_at IS NOT NULL";
    /** A version the run holds by a claim (a record it published as unchanged, V12) is not one it wrote. */
    private static final String CHANGED = " FROM dataset_rows WHERE dataset_id = ? AND run_id = ? AND NOT from_claim "
            + "ORDER BY record_no";
    /**
     * One row per key: the run's current or superseded version (a version the run superseded itself, by a later
     * generation's record of the key, is not its data), or else its claim, read from the stored record. A key with
     * both (a claim from the first generation, a version from a later one that updated the key) is the version's:
     * publishing took that record last.
     */
    private static final String COMPLETE = " FROM (SELECT DISTINCT ON (row_key) * FROM ("
            + "SELECT row_key, record_no, 0 AS by_claim, " + PostgresPublisher.VALUE_COLUMNS + " FROM dataset_rows "
            + "WHERE dataset_id = ? AND run_id = ? AND superseded_by IS DISTINCT FROM run_id "
            + "UNION ALL SELECT x.row_key, x.record_no, 1, " + StoredRecords.VALUES + " FROM dataset_claims x "
            + StoredRecords.joinedOn("x.run_id", "x.record_no") + " WHERE x.run_id = ?) published "
            + "ORDER BY row_key, by_claim, record_no DESC) complete ORDER BY record_no";

    private final ConnectionPool pool;

    public DestinationRows(ConnectionPool pool) {
        this.pool = pool;
    }

    @Override
    public boolean rolledBack(String runId) {
        return pool.withConnection(connection -> exists(connection, ROLLED_BACK, runId));
    }

    @Override
    public RowStream rowsOf(String datasetId, String runId, List<String> fields, Scope scope) {
        return sink -> {
            StringBuilder select = new StringBuilder("SELECT ");
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    select.append(", ");
                }
                String field = fields.get(i);
                select.append(CANONICAL.contains(field) ? "coalesce(data ->> ?, " + field + "::text)"
                        : "coalesce(data, extra) ->> ?");
            }
            select.append(scope == Scope.COMPLETE ? COMPLETE : CHANGED);
            Connection connection = null;
            boolean broken = false;
            try {
                connection = pool.borrow();
                // A cursor (fetch size) needs a transaction: without one the driver reads the whole result. One
                // snapshot for the ledger check and the rows: a rollback committing in between is either seen
                // whole (nothing is sent) or not at all (the rows as published are sent).
                connection.setAutoCommit(false);
                try (PreparedStatement snapshot = connection.prepareStatement(
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")) {
                    snapshot.execute();
                }
                if (exists(connection, ROLLED_BACK, runId)) {
                    throw new RunRolledBack(runId);
                }
                try (PreparedStatement query = connection.prepareStatement(select.toString())) {
                    query.setFetchSize(FETCH_SIZE);
                    int p = 1;
                    for (String field : fields) {
                        query.setString(p++, field);
                    }
                    query.setString(p++, datasetId);
                    query.setString(p++, runId);
                    if (scope == Scope.COMPLETE) {
                        query.setString(p, runId);
                    }
                    try (ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            List<String> values = new ArrayList<>(fields.size());
                            for (int i = 1; i <= fields.size(); i++) {
                                values.add(rows.getString(i));
                            }
                            sink.accept(values);
                        }
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                broken = true;
                throw new IllegalStateException("reading the published rows of run " + runId + " failed: "
                        + e.getMessage(), e);
            } catch (RunRolledBack e) {
                throw e;
            } catch (RuntimeException e) {
                broken = true;
                throw e;
            } finally {
                pool.release(connection, broken);
            }
        };
    }
}
