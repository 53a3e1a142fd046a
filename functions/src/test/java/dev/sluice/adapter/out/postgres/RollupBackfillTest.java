package dev.sluice.adapter.out.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Migration V9 on a database that already has published data: the coarse rollups it creates hold the sums of the
 * existing dataset_rollups, decimal scale included, and {@link RollupTables#rebuildCoarse} writes the same.
 */
class RollupBackfillTest {
    private static final String V9 = "V9__coarse_rollups.sql";

    @Test
    void v9BackfillsTheCoarseRollupsFromTheDayRollupsPublishedBeforeIt() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            DataSource database = postgres.getPostgresDatabase();
            try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE schema_migrations (version text PRIMARY KEY, "
                        + "applied_at timestamptz NOT NULL DEFAULT now())");
                for (String file : index()) {
                    if (file.equals(V9)) {
                        break;
                    }
                    statement.execute(resource("db/migration/" + file));
                    statement.execute("INSERT INTO schema_migrations (version) VALUES ('" + file + "')");
                }
                // Two datasets over a month end and a year end, spend in mixed scales (sums keep the largest).
                statement.execute("INSERT INTO dataset_rollups SELECT 'ds' || (n % 2), "
                        + "DATE '2023-12-20' + (n / 2 % 50), 'Ch' || (n % 3), 'C' || (n % 7), 1 + n % 4, "
                        + "round((n * 7919 % 100000) / 100.0, n % 4), "
                        + "n % 500, 1000 + n, round(n / 7.0, n % 3) FROM generate_series(1, 2000) n "
                        + "ON CONFLICT DO NOTHING");
            }

            assertTrue(Migrations.apply(database).contains(V9), "V9 is applied now");

            String fineByDay = "SELECT dataset_id, day::text, channel, sum(rows)::text, sum(spend)::text, "
                    + "sum(clicks)::text, sum(impressions)::text, sum(conversions)::text FROM dataset_rollups "
                    + "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
            String coarseByDay = "SELECT dataset_id, day::text, channel, rows::text, spend::text, clicks::text, "
                    + "impressions::text, conversions::text FROM dataset_day_channel_rollups ORDER BY 1, 2, 3";
            String fineByMonth = "SELECT dataset_id, to_char(day, 'YYYY-MM-01'), campaign, sum(rows)::text, "
                    + "sum(spend)::text, sum(clicks)::text, sum(impressions)::text, sum(conversions)::text "
                    + "FROM dataset_rollups GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
            String coarseByMonth = "SELECT dataset_id, month::text, campaign, rows::text, spend::text, clicks::text, "
                    + "impressions::text, conversions::text FROM dataset_month_campaign_rollups ORDER BY 1, 2, 3";
            List<String> byDay = rows(database, fineByDay);
            List<String> byMonth = rows(database, fineByMonth);
            assertEquals(2 * 50 * 3, byDay.size(), "every dataset, day and channel");
            assertTrue(byMonth.stream().anyMatch(row -> row.startsWith("ds0/2023-12-01/"))
                    && byMonth.stream().anyMatch(row -> row.startsWith("ds1/2024-02-01/")), byMonth::toString);
            assertEquals(byDay, rows(database, coarseByDay));
            assertEquals(byMonth, rows(database, coarseByMonth));

            try (Connection connection = database.getConnection()) {
                assertEquals(byDay.stream().filter(row -> row.startsWith("ds1/")).count()
                        + byMonth.stream().filter(row -> row.startsWith("ds1/")).count(),
                        RollupTables.rebuildCoarse(connection, "ds1"));
            }
            assertEquals(byDay, rows(database, coarseByDay), "a rebuild writes what the backfill wrote");
            assertEquals(byMonth, rows(database, coarseByMonth));
        }
    }

    private static List<String> rows(DataSource database, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.getConnection();
                PreparedStatement select = connection.prepareStatement(sql); ResultSet result = select.executeQuery()) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(result.getString(i));
                }
                rows.add(String.join("/", row));
            }
        }
        return rows;
    }

    private static List<String> index() throws Exception {
        return resource("db/migration/index.txt").lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    private static String resource(String name) throws Exception {
        try (InputStream in = RollupBackfillTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
