package dev.sluice.adapter.out.postgres;

import dev.sluice.application.port.PublishedRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A run's published rows, as dataset_rows keeps them (V3): the versions it wrote, in record order (not the keys it
 * published as unchanged, even once one became its version by a rollback, V12). A canonical field reads its column
 * (as text, the database's own form: ISO dates, exact decimals); any other field reads the row's {@code extra}
 * (marketing) or {@code data} (raw) by name, and a raw row's {@code data} wins for a canonical name too, since a raw
 * dataset keeps every column there. Rows are fetched a page at a time with a cursor.
 */
public final class DestinationRows implements PublishedRows {
    private static final Set<String> CANONICAL = Set.of("date", "campaign", "channel", "spend", "clicks",
            "conversions", "impressions");
    private static final int FETCH_SIZE = 1000;

    private final ConnectionPool pool;

    public DestinationRows(ConnectionPool pool) {
        this.pool = pool;
    }

    @Override
    public RowStream rowsOf(String datasetId, String runId, List<String> fields) {
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
            // A version the run holds by a claim (a record it published as unchanged, V12) is not one it wrote.
            select.append(" FROM dataset_rows WHERE dataset_id = ? AND run_id = ? AND NOT from_claim "
                    + "ORDER BY record_no");
            Connection connection = null;
            boolean broken = false;
            try {
                connection = pool.borrow();
                // A cursor (fetch size) needs a transaction: without one the driver reads the whole result.
                connection.setAutoCommit(false);
                try (PreparedStatement query = connection.prepareStatement(select.toString())) {
                    query.setFetchSize(FETCH_SIZE);
                    int p = 1;
                    for (String field : fields) {
                        query.setString(p++, field);
                    }
                    query.setString(p++, datasetId);
                    query.setString(p, runId);
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
            } catch (RuntimeException e) {
                broken = true;
                throw e;
            } finally {
                pool.release(connection, broken);
            }
        };
    }
}
