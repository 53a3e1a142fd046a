package dev.sluice.adapter.out.postgres;

import dev.sluice.application.port.DatasetRollups;
import dev.sluice.domain.analytics.Metrics;
import dev.sluice.domain.analytics.SpendAnomalies.DaySpend;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Analytics over {@code dataset_rollups} (one row per dataset, day, channel and campaign, kept by publishing): every
 * answer is one indexed range read of the dataset's days, aggregated by PostgreSQL, never a scan of dataset_rows.
 * The covering index of migration V8 lets these reads come from the index alone.
 */
public final class PostgresAnalytics implements DatasetRollups {
    private static final String SUMS = "sum(rows)::bigint, coalesce(sum(spend), 0), coalesce(sum(clicks), 0)::bigint, "
            + "coalesce(sum(impressions), 0)::bigint, coalesce(sum(conversions), 0)";

    private final ConnectionPool pool;

    public PostgresAnalytics(ConnectionPool pool) {
        this.pool = pool;
    }

    @FunctionalInterface
    private interface Query<T> {
        T run(Connection connection) throws SQLException;
    }

    @Override
    public Optional<DayRange> days(String datasetId) {
        return read(connection -> {
            // Two index probes (first and last entry of the dataset), not an aggregate over its rows.
            try (PreparedStatement query = connection.prepareStatement("SELECT "
                    + "(SELECT day FROM dataset_rollups WHERE dataset_id = ? ORDER BY day LIMIT 1), "
                    + "(SELECT day FROM dataset_rollups WHERE dataset_id = ? ORDER BY day DESC LIMIT 1)")) {
                query.setString(1, datasetId);
                query.setString(2, datasetId);
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    Date first = rows.getDate(1);
                    return first == null ? Optional.empty()
                            : Optional.of(new DayRange(first.toLocalDate(), rows.getDate(2).toLocalDate()));
                }
            }
        });
    }

    @Override
    public List<Group> groups(String datasetId, LocalDate from, LocalDate to, Dimension by) {
        String column = switch (by) {
            case DAY -> "day::text";
            case CHANNEL -> "channel";
            case CAMPAIGN -> "campaign";
        };
        return read(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT " + column + ", " + SUMS
                    + " FROM dataset_rollups WHERE dataset_id = ? AND day BETWEEN ? AND ? GROUP BY 1 ORDER BY 1")) {
                query.setString(1, datasetId);
                query.setObject(2, from);
                query.setObject(3, to);
                List<Group> groups = new ArrayList<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        groups.add(new Group(rows.getString(1), new Metrics(rows.getLong(2), rows.getBigDecimal(3),
                                rows.getLong(4), rows.getLong(5), rows.getBigDecimal(6))));
                    }
                }
                return groups;
            }
        });
    }

    @Override
    public List<DaySpend> dailySpend(String datasetId, LocalDate from, LocalDate to) {
        return read(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT day, channel, sum(spend) "
                    + "FROM dataset_rollups WHERE dataset_id = ? AND day BETWEEN ? AND ? GROUP BY day, channel "
                    + "ORDER BY day, channel")) {
                query.setString(1, datasetId);
                query.setObject(2, from);
                query.setObject(3, to);
                List<DaySpend> spend = new ArrayList<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        BigDecimal sum = rows.getBigDecimal(3);
                        spend.add(new DaySpend(rows.getDate(1).toLocalDate(), rows.getString(2),
                                sum == null ? BigDecimal.ZERO : sum));
                    }
                }
                return spend;
            }
        });
    }

    private <T> T read(Query<T> query) {
        return pool.withConnection(query::run);
    }
}
