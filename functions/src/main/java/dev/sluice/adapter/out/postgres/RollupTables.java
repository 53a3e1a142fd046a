package dev.sluice.adapter.out.postgres;

import static dev.sluice.adapter.out.postgres.Statements.analyzeIfLarge;
import static dev.sluice.adapter.out.postgres.Statements.execute;
import static dev.sluice.adapter.out.postgres.Statements.executeCount;
import static dev.sluice.adapter.out.postgres.Statements.exists;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The rollup tables of marketing datasets and the only ways they change: {@code dataset_rollups} (V3, per day,
 * channel and campaign), {@code dataset_day_channel_rollups} and {@code dataset_month_campaign_rollups} (V9). Every
 * change runs in the caller's transaction, so the rollups always move together with the rows they sum.
 *
 * <p>Invariant: a coarse group's sums equal the sums of its {@code dataset_rollups} groups, decimal scale included
 * (PostgreSQL's numeric sum keeps the largest scale of its terms, so "7" and "7.00" are different answers). The
 * delta keeps the scale right as long as no per-campaign group is deleted; when one is, the coarse groups it belonged
 * to take their numeric sums again from the groups that remain, which reads only those days or months.
 */
public final class RollupTables {
    private static final String METRICS = "rows, spend, clicks, impressions, conversions";
    private static final String SUMMED = "sum(rows), sum(spend), sum(clicks), sum(impressions), sum(conversions)";
    private static final String ADD = "rows = u.rows + EXCLUDED.rows, spend = u.spend + EXCLUDED.spend, "
            + "clicks = u.clicks + EXCLUDED.clicks, impressions = u.impressions + EXCLUDED.impressions, "
            + "conversions = u.conversions + EXCLUDED.conversions";
    private static final String MONTH = "date_trunc('month', day::timestamp)::date";

    private RollupTables() {
    }

    /**
     * Moves every rollup table by one signed delta, computed once into the temporary table {@code rollup_delta} (one
     * row per day, channel and campaign), and deletes the groups left without rows. {@code deltaSql} selects date,
     * channel, campaign, sign (+1 for a row that became current, -1 for one that stopped being current) and the four
     * metrics; a missing metric counts as 0.
     */
    static void move(Connection connection, String datasetId, String deltaSql, String... parameters)
            throws SQLException {
        long groups = executeCount(connection, "CREATE TEMP TABLE rollup_delta ON COMMIT DROP AS "
                + "SELECT date AS day, channel, campaign, sum(sign) AS rows, sum(sign * coalesce(spend, 0)) AS spend, "
                + "sum(sign * coalesce(clicks, 0)) AS clicks, "
                + "sum(sign * coalesce(impressions, 0)) AS impressions, "
                + "sum(sign * coalesce(conversions, 0)) AS conversions "
                + "FROM (" + deltaSql + ") delta GROUP BY date, channel, campaign", parameters);
        analyzeIfLarge(connection, "rollup_delta", groups);
        execute(connection, "INSERT INTO dataset_rollups AS u (dataset_id, day, channel, campaign, " + METRICS + ") "
                + "SELECT ?, day, channel, campaign, " + METRICS + " FROM rollup_delta "
                + "ON CONFLICT (dataset_id, day, channel, campaign) DO UPDATE SET " + ADD, datasetId);
        execute(connection, "INSERT INTO dataset_day_channel_rollups AS u (dataset_id, day, channel, " + METRICS + ") "
                + "SELECT ?, day, channel, " + SUMMED + " FROM rollup_delta GROUP BY day, channel "
                + "ON CONFLICT (dataset_id, day, channel) DO UPDATE SET " + ADD, datasetId);
        execute(connection, "INSERT INTO dataset_month_campaign_rollups AS u (dataset_id, month, campaign, " + METRICS
                + ") SELECT ?, " + MONTH + ", campaign, " + SUMMED + " FROM rollup_delta GROUP BY 2, 3 "
                + "ON CONFLICT (dataset_id, month, campaign) DO UPDATE SET " + ADD, datasetId);

        // A group (fine or coarse) can reach 0 rows only if some fine group of the delta lost rows on balance; with
        // none (an append, a first publish that supersedes nothing) there is nothing to delete or re-sum.
        if (!exists(connection, "SELECT 1 FROM rollup_delta WHERE rows <= 0")) {
            return;
        }
        execute(connection, "CREATE TEMP TABLE rollup_emptied ON COMMIT DROP AS SELECT d.day, d.channel, d.campaign "
                + "FROM rollup_delta d JOIN dataset_rollups u ON u.dataset_id = ? AND u.day = d.day "
                + "AND u.channel = d.channel AND u.campaign = d.campaign WHERE u.rows = 0", datasetId);
        long emptied = executeCount(connection, "DELETE FROM dataset_rollups u USING rollup_emptied e "
                + "WHERE u.dataset_id = ? AND u.day = e.day AND u.channel = e.channel AND u.campaign = e.campaign",
                datasetId);
        if (emptied > 0) {
            execute(connection, "UPDATE dataset_day_channel_rollups c SET spend = f.spend, conversions = f.conversions "
                    + "FROM (SELECT r.day, r.channel, sum(r.spend) AS spend, sum(r.conversions) AS conversions "
                    + "FROM (SELECT DISTINCT day, channel FROM rollup_emptied) e JOIN dataset_rollups r "
                    + "ON r.dataset_id = ? AND r.day = e.day AND r.channel = e.channel GROUP BY r.day, r.channel) f "
                    + "WHERE c.dataset_id = ? AND c.day = f.day AND c.channel = f.channel", datasetId, datasetId);
            execute(connection, "UPDATE dataset_month_campaign_rollups c SET spend = f.spend, "
                    + "conversions = f.conversions FROM (SELECT e.month, e.campaign, sum(r.spend) AS spend, "
                    + "sum(r.conversions) AS conversions FROM (SELECT DISTINCT " + MONTH + " AS month, campaign "
                    + "FROM rollup_emptied) e JOIN dataset_rollups r ON r.dataset_id = ? AND r.day >= e.month "
                    + "AND r.day < (e.month + interval '1 month')::date AND r.campaign = e.campaign "
                    + "GROUP BY e.month, e.campaign) f "
                    + "WHERE c.dataset_id = ? AND c.month = f.month AND c.campaign = f.campaign", datasetId, datasetId);
        }
        execute(connection, "DELETE FROM dataset_day_channel_rollups WHERE dataset_id = ? AND rows = 0 "
                + "AND (day, channel) IN (SELECT day, channel FROM rollup_delta)", datasetId);
        execute(connection, "DELETE FROM dataset_month_campaign_rollups WHERE dataset_id = ? AND rows = 0 "
                + "AND (month, campaign) IN (SELECT " + MONTH + ", campaign FROM rollup_delta)", datasetId);
    }

    /** Deletes a dataset's rollups. */
    static void clear(Connection connection, String datasetId) throws SQLException {
        for (String table : new String[] {"dataset_rollups", "dataset_day_channel_rollups",
                "dataset_month_campaign_rollups"}) {
            execute(connection, "DELETE FROM " + table + " WHERE dataset_id = ?", datasetId);
        }
    }

    /**
     * Recomputes a dataset's coarse rollups from its {@code dataset_rollups}, as migration V9 did for the data before
     * it: for a loader that fills {@code dataset_rollups} set-based (the analytics benchmark, tests) instead of
     * publishing. Returns the number of coarse groups written.
     */
    public static long rebuildCoarse(Connection connection, String datasetId) throws SQLException {
        execute(connection, "DELETE FROM dataset_day_channel_rollups WHERE dataset_id = ?", datasetId);
        execute(connection, "DELETE FROM dataset_month_campaign_rollups WHERE dataset_id = ?", datasetId);
        return executeCount(connection, "INSERT INTO dataset_day_channel_rollups SELECT dataset_id, day, channel, "
                + SUMMED + " FROM dataset_rollups WHERE dataset_id = ? GROUP BY dataset_id, day, channel", datasetId)
                + executeCount(connection, "INSERT INTO dataset_month_campaign_rollups SELECT dataset_id, " + MONTH
                + ", campaign, " + SUMMED + " FROM dataset_rollups WHERE dataset_id = ? GROUP BY 1, 2, 3", datasetId);
    }
}
