package dev.sluice.adapter.out.postgres;

import dev.sluice.application.port.DatasetRollups;
import dev.sluice.domain.analytics.Metrics;
import dev.sluice.domain.analytics.SpendAnomalies.ChannelDays;
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
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Analytics over the rollups publishing keeps ({@link RollupTables}), never a scan of dataset_rows: every answer is
 * indexed range reads of the dataset's days, aggregated by PostgreSQL. Totals, days, channels and spend per channel
 * and day read {@code dataset_day_channel_rollups} (one row per channel a day); campaigns read the range's whole
 * months from {@code dataset_month_campaign_rollups} and the days of its partial first and last months from
 * {@code dataset_rollups}. The coarse sums equal the fine ones, decimal scale included, so the answers are those of
 * summing {@code dataset_rollups} alone. Each read can come from a covering index (V8, V9).
 */
public final class PostgresAnalytics implements DatasetRollups {
    private static final String SUMS = "sum(rows)::bigint, coalesce(sum(spend), 0), coalesce(sum(clicks), 0)::bigint, "
            + "coalesce(sum(impressions), 0)::bigint, coalesce(sum(conversions), 0)";

    private final ConnectionPool pool;

    public PostgresAnalytics(ConnectionPool pool) {
        this.pool = pool;
    }

    @Override
    public Optional<DayRange> days(String datasetId) {
        return pool.withConnection(connection -> {
            // Two index probes (first and last entry of the dataset), not an aggregate over its rows.
            try (PreparedStatement query = connection.prepareStatement("SELECT "
                    + "(SELECT day FROM dataset_day_channel_rollups WHERE dataset_id = ? ORDER BY day LIMIT 1), "
                    + "(SELECT day FROM dataset_day_channel_rollups WHERE dataset_id = ? ORDER BY day DESC LIMIT 1)")) {
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
        return pool.withConnection(connection -> {
            try (PreparedStatement query = by == Dimension.CAMPAIGN ? campaigns(connection, datasetId, from, to)
                    : daysOrChannels(connection, datasetId, from, to, by)) {
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

    private static PreparedStatement daysOrChannels(Connection connection, String datasetId, LocalDate from,
            LocalDate to, Dimension by) throws SQLException {
        String column = by == Dimension.DAY ? "day::text" : "channel";
        PreparedStatement query = connection.prepareStatement("SELECT " + column + ", " + SUMS
                + " FROM dataset_day_channel_rollups WHERE dataset_id = ? AND day BETWEEN ? AND ? "
                + "GROUP BY 1 ORDER BY 1");
        query.setString(1, datasetId);
        query.setObject(2, from);
        query.setObject(3, to);
        return query;
    }

    /**
     * The range's whole months per campaign, plus the days before the first whole month and after the last one per
     * day (an empty part is an empty range: its index read finds nothing). A range within one or two months without a
     * whole one reads all its days per day.
     */
    private static PreparedStatement campaigns(Connection connection, String datasetId, LocalDate from,
            LocalDate to) throws SQLException {
        LocalDate firstWhole = from.getDayOfMonth() == 1 ? from : from.withDayOfMonth(1).plusMonths(1);
        LocalDate afterWhole = to.plusDays(1).withDayOfMonth(1);
        if (!firstWhole.isBefore(afterWhole)) {
            firstWhole = to.plusDays(1);
            afterWhole = firstWhole;
        }
        PreparedStatement query = connection.prepareStatement("SELECT campaign, " + SUMS + " FROM ("
                + "SELECT campaign, rows, spend, clicks, impressions, conversions FROM dataset_month_campaign_rollups "
                + "WHERE dataset_id = ? AND month >= ? AND month < ? "
                + "UNION ALL SELECT campaign, rows, spend, clicks, impressions, conversions FROM dataset_rollups "
                + "WHERE dataset_id = ? AND day >= ? AND day < ? "
                + "UNION ALL SELECT campaign, rows, spend, clicks, impressions, conversions FROM dataset_rollups "
                + "WHERE dataset_id = ? AND day >= ? AND day <= ?) parts GROUP BY 1 ORDER BY 1");
        query.setString(1, datasetId);
        query.setObject(2, firstWhole);
        query.setObject(3, afterWhole);
        query.setString(4, datasetId);
        query.setObject(5, from);
        query.setObject(6, firstWhole);
        query.setString(7, datasetId);
        query.setObject(8, afterWhole);
        query.setObject(9, to);
        return query;
    }

    @Override
    public List<DaySpend> dailySpend(String datasetId, LocalDate from, LocalDate to) {
        return pool.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT day, channel, spend "
                    + "FROM dataset_day_channel_rollups WHERE dataset_id = ? AND day BETWEEN ? AND ? "
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

    @Override
    public Map<String, ChannelDays> channelDays(String datasetId) {
        // One row per channel a day: the whole dataset is as many rows as the anomalies of its whole range read.
        return pool.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT channel, min(day), max(day) "
                    + "FROM dataset_day_channel_rollups WHERE dataset_id = ? GROUP BY channel")) {
                query.setString(1, datasetId);
                Map<String, ChannelDays> channels = new TreeMap<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        channels.put(rows.getString(1), new ChannelDays(rows.getDate(2).toLocalDate(),
                                rows.getDate(3).toLocalDate()));
                    }
                }
                return channels;
            }
        });
    }
}
