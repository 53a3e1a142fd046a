package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.out.postgres.ConnectionPool;
import dev.sluice.adapter.out.postgres.Migrations;
import dev.sluice.adapter.out.postgres.PostgresAnalytics;
import dev.sluice.adapter.out.postgres.PostgresDatasetRows;
import dev.sluice.adapter.out.postgres.PostgresPublisher;
import dev.sluice.adapter.out.postgres.RollupTables;
import dev.sluice.application.analytics.AnalyticsUseCases;
import dev.sluice.application.analytics.CompareRuns;
import dev.sluice.application.analytics.DatasetAnalytics;
import dev.sluice.application.analytics.DatasetRowQueries;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.export.RunExports;
import dev.sluice.application.identity.HttpCallers;
import dev.sluice.application.mapping.SuggestMapping;
import dev.sluice.application.port.DatasetRollups;
import dev.sluice.application.port.RunPublisher.Target;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRecordRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.upload.UploadLimits;
import dev.sluice.config.ApiWiring;
import dev.sluice.domain.analytics.Metrics;
import dev.sluice.domain.analytics.SpendAnomalies;
import dev.sluice.domain.analytics.SpendAnomalies.ChannelDays;
import dev.sluice.domain.analytics.SpendAnomalies.DaySpend;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.domain.dataset.PublishStrategy;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.dataset.SavedMapping;
import dev.sluice.domain.run.PublishCounts;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dataset-data routes over HTTP events, against a real PostgreSQL seeded as publishing leaves it (migration V3:
 * one dataset_rows row per record, rollups summed per day, channel and campaign), with the datasets and runs in
 * twins. Analytics are checked against totals this test computes from the CSV text itself.
 */
class DatasetAnalyticsApiTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Instant NOW = Instant.parse("2026-11-22T10:15:30Z");
    private static final String ALICE = "a1b2c3d4-e5f6-4789-8abc-def012345678";
    private static final String BOB = "b0b00000-0000-4000-8000-000000000000";
    private static final LocalDate START = LocalDate.of(2024, 3, 1);
    private static final List<String> CHANNELS = List.of("Search", "Social", "Display", "Email");
    /** A day the file has no rows for: the daily series must still show it, with zeros. */
    private static final LocalDate GAP = START.plusDays(17);

    private static EmbeddedPostgres postgres;
    private static ConnectionPool pool;
    private static String csv;
    private static final InMemoryDatasetRepository DATASETS = new InMemoryDatasetRepository();
    private static final InMemoryRunRepository RUNS = new InMemoryRunRepository();
    private static final InMemoryObjectStore OBJECTS = new InMemoryObjectStore(Clock.fixed(NOW, ZoneOffset.UTC));

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Migrations.apply(postgres.getPostgresDatabase());
        pool = new ConnectionPool(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", 2);
        DATASETS.create(dataset("mkt", ALICE, DatasetKind.MARKETING, PublishSettings.defaults(DatasetKind.MARKETING)));
        DATASETS.create(dataset("raw", ALICE, DatasetKind.RAW,
                new PublishSettings(PublishStrategy.UPSERT, List.of("id"), false)));
        DATASETS.create(dataset("bobs", BOB, DatasetKind.MARKETING, PublishSettings.defaults(DatasetKind.MARKETING)));
        csv = marketingCsv(3000, 42);
        publishAppend("mkt", "run-1", csv);
    }

    @AfterAll
    static void stop() throws Exception {
        pool.close();
        postgres.close();
    }

    private static Dataset dataset(String id, String owner, DatasetKind kind, PublishSettings publish) {
        return new Dataset(id, id + " data", owner, kind, SavedMapping.NONE, ReadingSettings.AUTO, null, false, NOW,
                NOW, publish);
    }

    /** A marketing file: date,campaign,channel,spend,clicks,impressions,conversions; some metrics left empty. */
    private static String marketingCsv(int records, long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder("date,campaign,channel,spend,clicks,impressions,conversions\n");
        for (int i = 0; i < records; i++) {
            LocalDate day = START.plusDays(random.nextInt(45));
            if (day.equals(GAP)) {
                day = day.plusDays(1);
            }
            String spend = random.nextInt(20) == 0 ? "" : BigDecimal.valueOf(random.nextInt(500_000), 2).toString();
            String clicks = random.nextInt(25) == 0 ? "" : Integer.toString(random.nextInt(400));
            String impressions = Integer.toString(400 + random.nextInt(20_000));
            String conversions = random.nextInt(10) == 0 ? "" : BigDecimal.valueOf(random.nextInt(3000), 1).toString();
            text.append(day).append(",Camp ").append(random.nextInt(25)).append(',')
                    .append(CHANNELS.get(random.nextInt(CHANNELS.size()))).append(',').append(spend).append(',')
                    .append(clicks).append(',').append(impressions).append(',').append(conversions).append('\n');
        }
        return text.toString();
    }

    /** Publishes a file as an append publish does: one current row per record, then the rollups of the rows. */
    private static void publishAppend(String datasetId, String runId, String file) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO dataset_rows (dataset_id, "
                    + "row_key, run_id, record_no, date, campaign, channel, spend, clicks, impressions, conversions, "
                    + "extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}'::jsonb)")) {
                long recordNo = 0;
                for (String line : file.lines().skip(1).toList()) {
                    String[] f = line.split(",", -1);
                    recordNo++;
                    insert.setString(1, datasetId);
                    insert.setString(2, "[\"" + runId + "\"," + recordNo + "]");
                    insert.setString(3, runId);
                    insert.setLong(4, recordNo);
                    insert.setObject(5, LocalDate.parse(f[0]));
                    insert.setString(6, f[1]);
                    insert.setString(7, f[2]);
                    insert.setBigDecimal(8, f[3].isEmpty() ? null : new BigDecimal(f[3]));
                    insert.setObject(9, f[4].isEmpty() ? null : Long.parseLong(f[4]), java.sql.Types.BIGINT);
                    insert.setObject(10, f[5].isEmpty() ? null : Long.parseLong(f[5]), java.sql.Types.BIGINT);
                    insert.setBigDecimal(11, f[6].isEmpty() ? null : new BigDecimal(f[6]));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            rollUp(connection, datasetId);
        }
    }

    private static void rollUp(Connection connection, String datasetId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM dataset_rollups WHERE dataset_id = ?");
                PreparedStatement insert = connection.prepareStatement("INSERT INTO dataset_rollups SELECT dataset_id, "
                        + "date, channel, campaign, count(*), coalesce(sum(spend), 0), coalesce(sum(clicks), 0), "
                        + "coalesce(sum(impressions), 0), coalesce(sum(conversions), 0) FROM dataset_rows "
                        + "WHERE dataset_id = ? AND superseded_by IS NULL GROUP BY 1, 2, 3, 4")) {
            delete.setString(1, datasetId);
            delete.executeUpdate();
            insert.setString(1, datasetId);
            insert.executeUpdate();
            RollupTables.rebuildCoarse(connection, datasetId);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Sums computed from the CSV text alone. */
    private record Sums(long rows, BigDecimal spend, long clicks, long impressions, BigDecimal conversions) {
        static final Sums ZERO = new Sums(0, BigDecimal.ZERO, 0, 0, BigDecimal.ZERO);

        Sums plus(String[] f) {
            return new Sums(rows + 1, spend.add(f[3].isEmpty() ? BigDecimal.ZERO : new BigDecimal(f[3])),
                    clicks + (f[4].isEmpty() ? 0 : Long.parseLong(f[4])),
                    impressions + (f[5].isEmpty() ? 0 : Long.parseLong(f[5])),
                    conversions.add(f[6].isEmpty() ? BigDecimal.ZERO : new BigDecimal(f[6])));
        }
    }

    private static Map<String, Sums> sumsBy(int field, LocalDate from, LocalDate to) {
        Map<String, Sums> sums = new TreeMap<>();
        for (String line : csv.lines().skip(1).toList()) {
            String[] f = line.split(",", -1);
            LocalDate day = LocalDate.parse(f[0]);
            if (!day.isBefore(from) && !day.isAfter(to)) {
                sums.merge(field < 0 ? "all" : f[field], Sums.ZERO.plus(f), (a, b) -> new Sums(a.rows + b.rows,
                        a.spend.add(b.spend), a.clicks + b.clicks, a.impressions + b.impressions,
                        a.conversions.add(b.conversions)));
            }
        }
        return sums;
    }

    private static void assertMetrics(Sums expected, JsonNode actual) {
        assertEquals(expected.rows(), actual.get("rows").asLong(), actual.toString());
        assertEquals(0, expected.spend().compareTo(new BigDecimal(actual.get("spend").asText())), actual.toString());
        assertTrue(actual.get("spend").isTextual() && actual.get("conversions").isTextual(), "decimal strings");
        assertEquals(expected.clicks(), actual.get("clicks").asLong());
        assertEquals(expected.impressions(), actual.get("impressions").asLong());
        assertEquals(0, expected.conversions().compareTo(new BigDecimal(actual.get("conversions").asText())));
        assertEquals(expected.impressions() == 0 ? null : BigDecimal.valueOf(expected.clicks()).divide(
                BigDecimal.valueOf(expected.impressions()), new MathContext(6)).doubleValue(),
                actual.get("ctr").isNull() ? null : actual.get("ctr").asDouble());
        assertEquals(expected.clicks() == 0 ? null : expected.spend().divide(BigDecimal.valueOf(expected.clicks()), 4,
                RoundingMode.HALF_EVEN).toPlainString(), actual.get("cpc").textValue());
        assertEquals(expected.conversions().signum() == 0 ? null : expected.spend().divide(expected.conversions(), 4,
                RoundingMode.HALF_EVEN).toPlainString(), actual.get("cpa").textValue());
        assertEquals(expected.clicks() == 0 ? null : expected.conversions().divide(
                BigDecimal.valueOf(expected.clicks()), new MathContext(6)).doubleValue(),
                actual.get("conversionRate").isNull() ? null : actual.get("conversionRate").asDouble());
    }

    private static ApiFunction api(long inlineLimit) {
        return api(inlineLimit, new PostgresAnalytics(pool));
    }

    private static ApiFunction api(long inlineLimit, DatasetRollups rollups) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        ManageDatasets manage = new ManageDatasets(DATASETS, RUNS, UploadLimits.defaults().datasetLimits(), clock);
        RunQueries queries = new RunQueries(RUNS, new InMemoryRecordRepository());
        PostgresDatasetRows rows = new PostgresDatasetRows(pool);
        AnalyticsUseCases analytics = new AnalyticsUseCases(
                new DatasetRowQueries(manage, rows, RUNS, OBJECTS, "uploads-bucket", clock, inlineLimit,
                        Duration.ofMinutes(5)),
                new DatasetAnalytics(manage, rollups, new SpendAnomalies()),
                new CompareRuns(manage, queries, rows));
        return new ApiFunction(new ApiWiring(null, null, queries, manage, null, HttpCallers.verifiedTokenOnly(), JSON,
                clock, Duration.ofMinutes(12), () -> { }, new SuggestMapping(null, 100),
                ApiWiring.Families.NONE.withAnalytics(analytics)));
    }

    private static APIGatewayV2HTTPResponse get(String path, Map<String, String> query) throws Exception {
        return get(path, query, ALICE, RunExports.INLINE_LIMIT);
    }

    private static APIGatewayV2HTTPResponse get(String path, Map<String, String> query, String sub, long inline)
            throws Exception {
        return get(path, query, sub, api(inline));
    }

    private static APIGatewayV2HTTPResponse get(String path, Map<String, String> query, String sub, ApiFunction api)
            throws Exception {
        APIGatewayV2HTTPEvent event = JSON.readValue(Path.of("../events", "api-get-run.json").toFile(),
                APIGatewayV2HTTPEvent.class);
        event.setRawPath(path);
        event.getRequestContext().getHttp().setMethod("GET");
        event.getRequestContext().getHttp().setPath(path);
        event.setQueryStringParameters(new LinkedHashMap<>(query));
        event.getRequestContext().getAuthorizer().getJwt().getClaims().put("sub", sub);
        return api.handleRequest(event, new TestContext());
    }

    private static JsonNode ok(APIGatewayV2HTTPResponse response) throws Exception {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return JSON.readTree(response.getBody());
    }

    private static JsonNode error(int status, APIGatewayV2HTTPResponse response) throws Exception {
        assertEquals(status, response.getStatusCode(), response.getBody());
        return JSON.readTree(response.getBody()).get("error");
    }

    @Test
    void analyticsEqualTotalsComputedFromTheCsvWithThePreviousPeriod() throws Exception {
        LocalDate from = START.plusDays(20);
        LocalDate to = START.plusDays(29);
        JsonNode answer = ok(get("/api/datasets/mkt/analytics", Map.of("from", from.toString(), "to",
                to.toString(), "groupBy", "channel")));

        assertEquals("channel", answer.get("groupBy").asText());
        assertMetrics(sumsBy(-1, from, to).get("all"), answer.get("totals"));
        Map<String, Sums> channels = sumsBy(2, from, to);
        assertEquals(channels.size(), answer.get("groups").size());
        BigDecimal lastSpend = null;
        for (JsonNode group : answer.get("groups")) {
            assertMetrics(channels.get(group.get("key").asText()), group);
            BigDecimal spend = new BigDecimal(group.get("spend").asText());
            assertTrue(lastSpend == null || lastSpend.compareTo(spend) >= 0, "largest spend first");
            lastSpend = spend;
        }
        JsonNode previous = answer.get("previous");
        assertEquals(START.plusDays(10).toString(), previous.get("from").asText());
        assertEquals(START.plusDays(19).toString(), previous.get("to").asText());
        assertMetrics(sumsBy(-1, START.plusDays(10), START.plusDays(19)).get("all"), previous.get("totals"));
    }

    @Test
    void theDailySeriesIsContinuousWithZerosAndDefaultsToTheWholeDataset() throws Exception {
        JsonNode answer = ok(get("/api/datasets/mkt/analytics", Map.of()));

        assertEquals(START.toString(), answer.get("from").asText());
        assertEquals(START.plusDays(44).toString(), answer.get("to").asText());
        assertMetrics(sumsBy(-1, START, START.plusDays(44)).get("all"), answer.get("totals"));
        JsonNode days = answer.get("groups");
        assertEquals(45, days.size());
        Map<String, Sums> byDay = sumsBy(0, START, START.plusDays(44));
        for (int i = 0; i < 45; i++) {
            String day = START.plusDays(i).toString();
            assertEquals(day, days.get(i).get("key").asText());
            assertMetrics(byDay.getOrDefault(day, Sums.ZERO), days.get(i));
        }
        JsonNode gap = days.get(17);
        assertEquals(0, gap.get("rows").asLong());
        assertEquals("0", gap.get("spend").asText());
        assertTrue(gap.get("ctr").isNull() && gap.get("cpc").isNull() && gap.get("cpa").isNull());
        assertEquals(45, answer.get("previous").get("groups").size());
        assertEquals(0, answer.get("previous").get("totals").get("rows").asLong());
    }

    @Test
    void anEmptyDatasetAnswersZeroTotalsAndAPreviousPeriodOfTheSameShape() throws Exception {
        DATASETS.create(dataset("empty", ALICE, DatasetKind.MARKETING,
                PublishSettings.defaults(DatasetKind.MARKETING)));

        for (String groupBy : List.of("day", "channel", "campaign")) {
            JsonNode answer = ok(get("/api/datasets/empty/analytics", Map.of("groupBy", groupBy)));

            assertTrue(answer.get("from").isNull() && answer.get("to").isNull(), answer.toString());
            assertEquals(groupBy, answer.get("groupBy").asText());
            assertEquals("[]", answer.get("groups").toString());
            JsonNode totals = answer.get("totals");
            assertEquals(List.of(0L, 0L, 0L), List.of(totals.get("rows").asLong(), totals.get("clicks").asLong(),
                    totals.get("impressions").asLong()));
            assertEquals(List.of("0", "0"), List.of(totals.get("spend").asText(), totals.get("conversions").asText()));
            for (String ratio : List.of("ctr", "cpc", "cpa", "conversionRate")) {
                assertTrue(totals.get(ratio).isNull(), ratio + " has no divisor: " + totals);
            }
            JsonNode previous = answer.get("previous");
            assertTrue(previous.isObject(), "previous is an object, not null: " + answer);
            assertTrue(previous.get("from").isNull() && previous.get("to").isNull(), previous.toString());
            assertEquals(totals, previous.get("totals"));
            assertEquals("[]", previous.get("groups").toString());
        }
        assertEquals("[]", ok(get("/api/datasets/empty/anomalies", Map.of())).get("items").toString());
    }

    @Test
    void campaignsAreTheTopNThenOneOtherGroup() throws Exception {
        JsonNode answer = ok(get("/api/datasets/mkt/analytics", Map.of("groupBy", "campaign", "top", "3")));

        JsonNode groups = answer.get("groups");
        assertEquals(4, groups.size());
        Map<String, Sums> campaigns = sumsBy(1, START, START.plusDays(44));
        List<Map.Entry<String, Sums>> bySpend = new ArrayList<>(campaigns.entrySet());
        bySpend.sort((a, b) -> b.getValue().spend().compareTo(a.getValue().spend()));
        Sums other = Sums.ZERO;
        for (int i = 0; i < bySpend.size(); i++) {
            if (i < 3) {
                assertEquals(bySpend.get(i).getKey(), groups.get(i).get("key").asText());
                assertMetrics(bySpend.get(i).getValue(), groups.get(i));
                assertNull(groups.get(i).get("other"));
            } else {
                Sums s = bySpend.get(i).getValue();
                other = new Sums(other.rows() + s.rows(), other.spend().add(s.spend()), other.clicks() + s.clicks(),
                        other.impressions() + s.impressions(), other.conversions().add(s.conversions()));
            }
        }
        assertEquals("(other)", groups.get(3).get("key").asText());
        assertTrue(groups.get(3).get("other").asBoolean());
        assertMetrics(other, groups.get(3));
        assertEquals(10 + 1, ok(get("/api/datasets/mkt/analytics", Map.of("groupBy", "campaign"))).get("groups")
                .size(), "top 10 campaigns by default, and the other 15 as one");
    }

    @Test
    void badDatesGroupsAndOtherPeoplesDatasetsAreRefusedByName() throws Exception {
        assertEquals("'from' must be a date as YYYY-MM-DD, was '2024-02-30'", error(400,
                get("/api/datasets/mkt/analytics", Map.of("from", "2024-02-30"))).get("message").asText());
        assertEquals("'to' must be a date as YYYY-MM-DD, was '03/01/2024'", error(400,
                get("/api/datasets/mkt/rows", Map.of("to", "03/01/2024"))).get("message").asText());
        assertEquals("'groupBy' must be day, channel or campaign, was 'week'", error(400,
                get("/api/datasets/mkt/analytics", Map.of("groupBy", "week"))).get("message").asText());
        assertEquals("'from' (2024-03-05) is after 'to' (2024-03-01)", error(400, get("/api/datasets/mkt/analytics",
                Map.of("from", "2024-03-05", "to", "2024-03-01"))).get("message").asText());
        assertEquals("RANGE_TOO_LONG", error(400, get("/api/datasets/mkt/analytics",
                Map.of("from", "1900-01-01", "to", "2024-03-01"))).get("code").asText());
        assertEquals("NOT_MARKETING", error(400, get("/api/datasets/raw/analytics", Map.of())).get("code").asText());
        assertEquals("NOT_MARKETING", error(400, get("/api/datasets/raw/rows", Map.of("channel", "x")))
                .get("code").asText());
        assertEquals("INVALID_REQUEST", error(400, get("/api/datasets/mkt/rows", Map.of("where.Region", "EU")))
                .get("code").asText());
        for (String route : List.of("rows", "rows.csv", "analytics", "anomalies", "compare")) {
            JsonNode notFound = error(404, get("/api/datasets/bobs/" + route, Map.of("from", "nonsense")));
            assertEquals("NOT_FOUND", notFound.get("code").asText(), route);
        }
        assertEquals(200, get("/api/datasets/bobs/analytics", Map.of(), BOB, RunExports.INLINE_LIMIT)
                .getStatusCode(), "the owner sees it");
    }

    @Test
    void rowPagesFollowTheCursorThroughEveryMatchingRowOnce() throws Exception {
        LocalDate from = START.plusDays(5);
        LocalDate to = START.plusDays(12);
        Set<Long> expected = new HashSet<>();
        long recordNo = 0;
        for (String line : csv.lines().skip(1).toList()) {
            String[] f = line.split(",", -1);
            recordNo++;
            LocalDate day = LocalDate.parse(f[0]);
            if (!day.isBefore(from) && !day.isAfter(to) && f[2].equals("Social")) {
                expected.add(recordNo);
            }
        }
        Set<Long> seen = new HashSet<>();
        String cursor = null;
        String lastDate = "";
        int pages = 0;
        do {
            Map<String, String> query = new LinkedHashMap<>(Map.of("from", from.toString(), "to", to.toString(),
                    "channel", "Social", "limit", "17"));
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            JsonNode page = ok(get("/api/datasets/mkt/rows", query));
            for (JsonNode item : page.get("items")) {
                assertEquals("run-1", item.get("runId").asText());
                assertTrue(seen.add(item.get("recordNo").asLong()), "each row once");
                assertEquals("Social", item.get("channel").asText());
                assertTrue(item.get("date").asText().compareTo(lastDate) >= 0, "in date order");
                lastDate = item.get("date").asText();
                assertEquals(List.of("run-1", item.get("recordNo").asLong()), List.of(item.get("key").get(0).asText(),
                        item.get("key").get(1).asLong()));
                assertTrue(item.get("spend").isNull() || item.get("spend").isTextual());
                assertTrue(item.get("extra").isObject());
            }
            cursor = page.get("nextCursor").textValue();
            pages++;
        } while (cursor != null);
        assertEquals(expected, seen);
        assertEquals((expected.size() + 16) / 17 + (expected.size() % 17 == 0 ? 1 : 0), pages);
        assertEquals("INVALID_REQUEST", error(400, get("/api/datasets/mkt/rows", Map.of("cursor", "bm9wZQ")))
                .get("code").asText());
        String rawCursor = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "[\"raw-run-1\",\"x\"]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("'cursor' is not a cursor of this dataset's rows", error(400, get("/api/datasets/mkt/rows",
                Map.of("cursor", rawCursor))).get("message").asText());
    }

    @Test
    void rawRowsFilterByColumnAndKeepTheFilesColumnOrderAndTheCsvIsFormulaSafe() throws Exception {
        Run run = new Run("raw-run-1", ALICE, "raw", "people.csv", "uploads-bucket", "k", Run.RunSource.UPLOAD,
                RunStatus.SUCCEEDED, 10, NOW, NOW, NOW, 3, 3, 0, 1, 1, 1, 0, List.of(), Map.of(),
                new Run.FileFacts("UTF-8", ",", null, Map.of(), List.of("id", "name", "city", "note")), null, null, 0,
                0, null, null);
        RUNS.put(run);
        execute("INSERT INTO dataset_rows (dataset_id, row_key, run_id, record_no, superseded_by, data) VALUES "
                + "('raw', '[\"1\"]', 'raw-run-1', 1, NULL, '{\"id\": \"1\", \"name\": \"Ann\", \"city\": \"Oslo\", "
                + "\"note\": \"=HYPERLINK(\\\"http://x\\\")\"}'), "
                + "('raw', '[\"2\"]', 'raw-run-1', 2, NULL, '{\"id\": \"2\", \"name\": \"Bo\", \"city\": \"Rome\", "
                + "\"note\": \"-5\"}'), "
                + "('raw', '[\"3\"]', 'raw-run-1', 3, NULL, '{\"id\": \"3\", \"name\": \"Cy\", \"city\": \"Oslo\", "
                + "\"note\": \"@SUM(A1)\"}'), "
                + "('raw', '[\"3\"]', 'raw-run-0', 9, 'raw-run-1', '{\"id\": \"3\", \"name\": \"Old\", "
                + "\"city\": \"Oslo\", \"note\": \"\"}')");

        JsonNode page = ok(get("/api/datasets/raw/rows", Map.of("where.city", "Oslo")));
        assertEquals(2, page.get("items").size(), "current rows only");
        JsonNode first = page.get("items").get(0);
        assertEquals(List.of("id", "name", "city", "note"), iterator(first.get("data").fieldNames()));
        assertEquals("Ann", first.get("data").get("name").asText());
        assertEquals("Cy", page.get("items").get(1).get("data").get("name").asText());
        assertTrue(page.get("nextCursor").isNull());

        APIGatewayV2HTTPResponse download = get("/api/datasets/raw/rows.csv", Map.of());
        assertEquals(200, download.getStatusCode(), download.getBody());
        assertEquals("\uFEFFid,name,city,note\r\n1,Ann,Oslo,\"'=HYPERLINK(\"\"http://x\"\")\"\r\n2,Bo,Rome,-5\r\n"
                + "3,Cy,Oslo,'@SUM(A1)\r\n", download.getBody());
        assertTrue(download.getHeaders().get("Content-Disposition").contains("raw data-rows.csv"));

        APIGatewayV2HTTPResponse redirect = get("/api/datasets/mkt/rows.csv", Map.of("channel", "Email"), ALICE, 100);
        assertEquals(303, redirect.getStatusCode(), redirect.getBody());
        String key = OBJECTS.keys().stream().filter(k -> k.contains("/datasets/mkt/rows-")).findFirst().orElseThrow()
                .substring("uploads-bucket/".length());
        assertTrue(redirect.getHeaders().get("Location").contains(key), redirect.getHeaders().toString());
        String stored = new String(OBJECTS.bytes("uploads-bucket", key).orElseThrow(),
                java.nio.charset.StandardCharsets.UTF_8);
        long emailRows = csv.lines().skip(1).filter(l -> l.split(",", -1)[2].equals("Email")).count();
        assertEquals(emailRows + 1, stored.lines().count(), "the header and every Email row, spilled to S3");
        assertTrue(stored.startsWith("\uFEFFdate,campaign,channel,spend,clicks,conversions,impressions\r\n"));
    }

    @Test
    void twoRunsCompareByTheMarketingKeyWithTheLastRecordOfAKeyWinning() throws Exception {
        for (String id : List.of("cmp-a", "cmp-b", "elsewhere")) {
            RUNS.put(Run.created(id, ALICE, id.equals("elsewhere") ? "raw" : "mkt", id + ".csv", "uploads-bucket",
                    "k", Run.RunSource.UPLOAD, RunStatus.SUCCEEDED, 1, Map.of(), NOW));
        }
        execute("INSERT INTO records (run_id, record_no, line_no, dataset_id, date, campaign, channel, spend, clicks, "
                + "extra) VALUES "
                + "('cmp-a', 1, 2, 'mkt', '2024-03-01', 'A', 'Search', 10.00, 5, '{\"Region\": \"EU\"}'), "
                + "('cmp-a', 2, 3, 'mkt', '2024-03-01', 'B', 'Search', 20.00, 6, '{}'), "
                + "('cmp-a', 3, 4, 'mkt', '2024-03-02', 'A', 'Search', 30.00, 7, '{}'), "
                + "('cmp-b', 1, 2, 'mkt', '2024-03-01', 'A', 'Search', 99.00, 5, '{\"Region\": \"EU\"}'), "
                + "('cmp-b', 2, 3, 'mkt', '2024-03-01', 'A', 'Search', 11.00, 5, '{\"Region\": \"US\"}'), "
                + "('cmp-b', 3, 4, 'mkt', '2024-03-02', 'A', 'Search', 30.00, 7, '{}'), "
                + "('cmp-b', 4, 5, 'mkt', '2024-03-03', 'C', 'Social', NULL, NULL, '{}')");

        JsonNode answer = ok(get("/api/datasets/mkt/compare", Map.of("a", "cmp-a", "b", "cmp-b", "limit", "2")));

        assertEquals(List.of("date", "campaign", "channel"), iterator(answer.get("key").elements()).stream()
                .map(JsonNode::asText).toList());
        JsonNode counts = answer.get("counts");
        assertEquals(List.of(1L, 1L, 1L, 1L), List.of(counts.get("added").asLong(), counts.get("removed").asLong(),
                counts.get("changed").asLong(), counts.get("unchanged").asLong()));
        JsonNode items = answer.get("items");
        assertEquals(2, items.size());
        List<JsonNode> all = new ArrayList<>();
        items.forEach(all::add);
        String cursor = answer.get("nextCursor").asText();
        JsonNode rest = ok(get("/api/datasets/mkt/compare", Map.of("a", "cmp-a", "b", "cmp-b", "cursor", cursor)));
        rest.get("items").forEach(all::add);
        assertTrue(rest.get("nextCursor").isNull());
        assertEquals(3, all.size());
        Map<String, JsonNode> byChange = new LinkedHashMap<>();
        all.forEach(item -> byChange.put(item.get("change").asText(), item));
        JsonNode changed = byChange.get("changed");
        assertEquals("[\"2024-03-01\",\"A\",\"Search\"]", changed.get("key").toString());
        assertEquals("[{\"name\":\"spend\",\"old\":\"10.00\",\"new\":\"11.00\"},"
                + "{\"name\":\"Region\",\"old\":\"EU\",\"new\":\"US\"}]", changed.get("fields").toString(),
                "the last record of a key wins; only differing fields");
        assertEquals("[\"2024-03-01\",\"B\",\"Search\"]", byChange.get("removed").get("key").toString());
        assertEquals("[\"2024-03-03\",\"C\",\"Social\"]", byChange.get("added").get("key").toString());
        assertEquals("RUN_NOT_IN_DATASET", error(400, get("/api/datasets/mkt/compare", Map.of("a", "cmp-a", "b",
                "elsewhere"))).get("code").asText());
        assertEquals("INVALID_REQUEST", error(400, get("/api/datasets/mkt/compare", Map.of("a", "cmp-a")))
                .get("code").asText());
    }

    @Test
    void decimalsCompareByValueSoCompareAndReviewAgreeOnWhatIsUnchanged() throws Exception {
        DATASETS.create(dataset("corrected", ALICE, DatasetKind.MARKETING,
                new PublishSettings(PublishStrategy.UPSERT, PublishSettings.MARKETING_KEY, false)));
        for (String id : List.of("fix-v1", "fix-v2")) {
            RUNS.put(Run.created(id, ALICE, "corrected", id + ".csv", "uploads-bucket", "k", Run.RunSource.UPLOAD,
                    RunStatus.SUCCEEDED, 1, Map.of(), NOW));
        }
        execute("INSERT INTO records (run_id, record_no, line_no, dataset_id, date, campaign, channel, spend, clicks, "
                + "conversions) VALUES "
                + "('fix-v1', 1, 2, 'corrected', '2026-10-01', 'A', 'Search', 98.70, 5, 3.0), "
                + "('fix-v1', 2, 3, 'corrected', '2026-10-02', 'A', 'Search', 10.50, 5, 1.50), "
                + "('fix-v2', 1, 2, 'corrected', '2026-10-01', 'A', 'Search', 98.7, 5, 3), "
                + "('fix-v2', 2, 3, 'corrected', '2026-10-02', 'A', 'Search', 10.5, 6, 1.5)");
        PostgresPublisher publisher = new PostgresPublisher(pool);
        publisher.publish(new Target("fix-v1", "corrected", DatasetKind.MARKETING, PublishStrategy.UPSERT,
                PublishSettings.MARKETING_KEY));
        PublishCounts review = publisher.review(new Target("fix-v2", "corrected", DatasetKind.MARKETING,
                PublishStrategy.UPSERT, PublishSettings.MARKETING_KEY), 10).counts();

        JsonNode answer = ok(get("/api/datasets/corrected/compare", Map.of("a", "fix-v1", "b", "fix-v2")));

        JsonNode counts = answer.get("counts");
        assertEquals(List.of(0L, 0L, 1L, 1L), List.of(counts.get("added").asLong(), counts.get("removed").asLong(),
                counts.get("changed").asLong(), counts.get("unchanged").asLong()), answer.toString());
        assertEquals(List.of(review.updated(), review.unchanged()), List.of(counts.get("changed").asLong(),
                counts.get("unchanged").asLong()), "compare and review agree: " + review);
        assertEquals(1, answer.get("items").size(), answer.toString());
        JsonNode changed = answer.get("items").get(0);
        assertEquals("[\"2026-10-02\",\"A\",\"Search\"]", changed.get("key").toString());
        assertEquals("[{\"name\":\"clicks\",\"old\":\"5\",\"new\":\"6\"}]", changed.get("fields").toString(),
                "10.50 → 10.5 and 1.50 → 1.5 are the same values, so only clicks is listed");
    }

    @Test
    void aSpendSpikeInTheRollupsIsReportedWithItsExplanation() throws Exception {
        DATASETS.create(dataset("spiky", ALICE, DatasetKind.MARKETING,
                PublishSettings.defaults(DatasetKind.MARKETING)));
        execute("INSERT INTO dataset_rollups SELECT 'spiky', DATE '2024-01-01' + n, 'Search', 'c', 1, "
                + "CASE WHEN n = 40 THEN 4000 ELSE 1000 + (n * 37 % 200) END, 1, 1, 0 FROM generate_series(0, 59) n");
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            RollupTables.rebuildCoarse(connection, "spiky");
        }

        JsonNode answer = ok(get("/api/datasets/spiky/anomalies", Map.of("from", "2024-02-01")));

        assertEquals("median/MAD", answer.get("method").asText());
        assertEquals(28, answer.get("window").asInt());
        assertEquals(14, answer.get("minHistory").asInt());
        assertEquals(1, answer.get("items").size(), answer.toString());
        JsonNode spike = answer.get("items").get(0);
        assertEquals("2024-02-10", spike.get("date").asText());
        assertEquals("high", spike.get("direction").asText());
        assertEquals("4000", spike.get("spend").asText());
        assertTrue(spike.get("explanation").asText().startsWith("Spend on Search was 3."), spike.toString());
    }

    @Test
    void daysWithoutRowsBetweenAChannelsFirstAndLastDayAreFlaggedLowButAStoppedChannelIsNot() throws Exception {
        DATASETS.create(dataset("gappy", ALICE, DatasetKind.MARKETING,
                PublishSettings.defaults(DatasetKind.MARKETING)));
        // Social every day of 60 but 40-42 (2024-02-10 to 02-12, a missing file); Email stops after day 45.
        execute("INSERT INTO dataset_rollups SELECT 'gappy', DATE '2024-01-01' + n, 'Social', 'c', 1, "
                + "200 + (n * 37 % 20), 1, 1, 0 FROM generate_series(0, 59) n WHERE n NOT BETWEEN 40 AND 42");
        execute("INSERT INTO dataset_rollups SELECT 'gappy', DATE '2024-01-01' + n, 'Email', 'c', 1, "
                + "300 + (n * 13 % 30), 1, 1, 0 FROM generate_series(0, 45) n");
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            RollupTables.rebuildCoarse(connection, "gappy");
        }

        JsonNode whole = ok(get("/api/datasets/gappy/anomalies", Map.of()));
        assertEquals(List.of("2024-02-10 Social", "2024-02-11 Social", "2024-02-12 Social"),
                iterator(whole.get("items").elements()).stream().map(item -> item.get("date").asText() + " "
                        + item.get("channel").asText()).toList(), whole.toString());
        for (JsonNode gap : whole.get("items")) {
            assertEquals("low", gap.get("direction").asText());
            assertEquals("0", gap.get("spend").asText());
            assertEquals("No spend on Social on " + gap.get("date").asText() + "; its 28-day median is "
                    + gap.get("median").asText() + ".", gap.get("explanation").asText());
        }
        // A range that ends inside the gap: Social has rows later in the dataset, so its last days are a gap too.
        JsonNode endsInTheGap = ok(get("/api/datasets/gappy/anomalies", Map.of("from", "2024-02-01", "to",
                "2024-02-11")));
        assertEquals(List.of("2024-02-10", "2024-02-11"), iterator(endsInTheGap.get("items").elements()).stream()
                .map(item -> item.get("date").asText()).toList(), endsInTheGap.toString());
    }

    @Test
    void answersFromTheCoarseRollupsAreTheDayLevelAnswersAfterPublishUpsertReplaceAndRollback() throws Exception {
        DATASETS.create(dataset("long", ALICE, DatasetKind.MARKETING,
                PublishSettings.defaults(DatasetKind.MARKETING)));
        PostgresPublisher publisher = new PostgresPublisher(pool);
        ApiFunction coarse = api(RunExports.INLINE_LIMIT);
        ApiFunction dayLevel = api(RunExports.INLINE_LIMIT, new DayLevelRollups());
        Random random = new Random(11);
        List<String> runs = new ArrayList<>();
        for (PublishStrategy strategy : List.of(PublishStrategy.UPSERT, PublishStrategy.UPSERT,
                PublishStrategy.REPLACE)) {
            String runId = "long-run-" + runs.size();
            insertRecords("long", runId, runs.isEmpty() ? 1500 : 500, random);
            publisher.publish(new Target(runId, "long", DatasetKind.MARKETING, strategy,
                    PublishSettings.MARKETING_KEY));
            runs.add(runId);
            assertSameAnswers(coarse, dayLevel, random, strategy + " of " + runId);
        }
        for (String runId : List.of(runs.get(2), runs.get(0))) {
            publisher.rollback(runId);
            assertSameAnswers(coarse, dayLevel, random, "rollback of " + runId);
        }
    }

    /**
     * Records of a run over January to August 2024 (crossing month ends), 5 campaigns and 3 channels, with spend and
     * conversions in mixed decimal scales and some left empty.
     */
    private static void insertRecords(String datasetId, String runId, int count, Random random) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO records (run_id, record_no, "
                        + "line_no, dataset_id, date, campaign, channel, spend, clicks, impressions, conversions) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 1; i <= count; i++) {
                insert.setString(1, runId);
                insert.setLong(2, i);
                insert.setLong(3, i + 1);
                insert.setString(4, datasetId);
                insert.setObject(5, LocalDate.of(2024, 1, 1).plusDays(random.nextInt(240)));
                insert.setString(6, "Camp " + random.nextInt(5));
                insert.setString(7, CHANNELS.get(random.nextInt(3)));
                insert.setBigDecimal(8, switch (random.nextInt(5)) {
                    case 0 -> null;
                    case 1 -> BigDecimal.valueOf(random.nextInt(900));
                    case 2 -> BigDecimal.valueOf(random.nextInt(9000), 1);
                    case 3 -> BigDecimal.valueOf(random.nextInt(90000), 2);
                    default -> BigDecimal.valueOf(random.nextInt(900000), 3);
                });
                insert.setObject(9, random.nextInt(10) == 0 ? null : (long) random.nextInt(300), java.sql.Types.BIGINT);
                insert.setObject(10, (long) random.nextInt(9000), java.sql.Types.BIGINT);
                insert.setBigDecimal(11, random.nextInt(4) == 0 ? null : BigDecimal.valueOf(random.nextInt(300),
                        random.nextInt(3)));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * The analytics and anomalies answers, as bytes, equal those read from dataset_rollups alone: the whole dataset,
     * ranges that cut months in the middle, exact months, ranges within two months, single days, ranges reaching
     * before the data, and random ranges.
     */
    private static void assertSameAnswers(ApiFunction coarse, ApiFunction dayLevel, Random random, String stage)
            throws Exception {
        List<Map<String, String>> ranges = new ArrayList<>(List.of(Map.of(),
                Map.of("from", "2024-01-15", "to", "2024-05-20"), Map.of("from", "2024-02-01", "to", "2024-03-31"),
                Map.of("from", "2024-02-10", "to", "2024-03-05"), Map.of("from", "2024-03-03", "to", "2024-03-03"),
                Map.of("from", "2024-03-01", "to", "2024-03-01"), Map.of("from", "2024-02-29", "to", "2024-04-01"),
                Map.of("from", "2023-12-20", "to", "2024-02-10"), Map.of("from", "2024-06-30"),
                Map.of("to", "2024-04-30")));
        for (int i = 0; i < 2; i++) {
            LocalDate from = LocalDate.of(2023, 12, 15).plusDays(random.nextInt(270));
            ranges.add(Map.of("from", from.toString(), "to", from.plusDays(random.nextInt(150)).toString()));
        }
        int compared = 0;
        for (Map<String, String> range : ranges) {
            List<Map<String, String>> queries = new ArrayList<>();
            for (String groupBy : List.of("day", "channel", "campaign")) {
                Map<String, String> query = new LinkedHashMap<>(range);
                query.put("groupBy", groupBy);
                queries.add(query);
            }
            Map<String, String> topTwo = new LinkedHashMap<>(range);
            topTwo.putAll(Map.of("groupBy", "campaign", "top", "2"));
            queries.add(topTwo);
            for (Map<String, String> query : queries) {
                String expected = get("/api/datasets/long/analytics", query, ALICE, dayLevel).getBody();
                assertEquals(expected, get("/api/datasets/long/analytics", query, ALICE, coarse).getBody(),
                        stage + ", " + query);
                compared++;
            }
        }
        for (Map<String, String> range : ranges.subList(0, 3)) {
            assertEquals(get("/api/datasets/long/anomalies", range, ALICE, dayLevel).getBody(),
                    get("/api/datasets/long/anomalies", range, ALICE, coarse).getBody(), stage + ", " + range);
        }
        JsonNode whole = ok(get("/api/datasets/long/analytics", Map.of("groupBy", "campaign"), ALICE, coarse));
        assertTrue(whole.get("totals").get("rows").asLong() > 0, whole::toString);
        assertEquals(ranges.size() * 4, compared);
    }

    /** Today's reading before the coarse rollups: every answer summed from dataset_rollups (per campaign) alone. */
    private static final class DayLevelRollups implements DatasetRollups {
        @FunctionalInterface
        private interface Query<T> {
            T run(Connection connection) throws SQLException;
        }

        private static <T> T read(Query<T> query) {
            Connection connection = null;
            try {
                connection = pool.borrow();
                return query.run(connection);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            } finally {
                pool.release(connection, false);
            }
        }

        private static final String SUMS = "sum(rows)::bigint, coalesce(sum(spend), 0), "
                + "coalesce(sum(clicks), 0)::bigint, coalesce(sum(impressions), 0)::bigint, "
                + "coalesce(sum(conversions), 0)";

        @Override
        public Optional<DayRange> days(String datasetId) {
            return read(connection -> {
                try (PreparedStatement query = connection.prepareStatement(
                        "SELECT min(day), max(day) FROM dataset_rollups WHERE dataset_id = ?")) {
                    query.setString(1, datasetId);
                    try (ResultSet rows = query.executeQuery()) {
                        rows.next();
                        return rows.getDate(1) == null ? Optional.empty() : Optional.of(new DayRange(
                                rows.getDate(1).toLocalDate(), rows.getDate(2).toLocalDate()));
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
                List<Group> groups = new ArrayList<>();
                try (PreparedStatement query = connection.prepareStatement("SELECT " + column + ", " + SUMS
                        + " FROM dataset_rollups WHERE dataset_id = ? AND day BETWEEN ? AND ? GROUP BY 1 ORDER BY 1")) {
                    query.setString(1, datasetId);
                    query.setObject(2, from);
                    query.setObject(3, to);
                    try (ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            groups.add(new Group(rows.getString(1), new Metrics(rows.getLong(2),
                                    rows.getBigDecimal(3), rows.getLong(4), rows.getLong(5), rows.getBigDecimal(6))));
                        }
                    }
                }
                return groups;
            });
        }

        @Override
        public List<DaySpend> dailySpend(String datasetId, LocalDate from, LocalDate to) {
            return read(connection -> {
                List<DaySpend> spend = new ArrayList<>();
                try (PreparedStatement query = connection.prepareStatement("SELECT day, channel, sum(spend) "
                        + "FROM dataset_rollups WHERE dataset_id = ? AND day BETWEEN ? AND ? "
                        + "GROUP BY day, channel ORDER BY day, channel")) {
                    query.setString(1, datasetId);
                    query.setObject(2, from);
                    query.setObject(3, to);
                    try (ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            spend.add(new DaySpend(rows.getDate(1).toLocalDate(), rows.getString(2),
                                    rows.getBigDecimal(3)));
                        }
                    }
                }
                return spend;
            });
        }

        @Override
        public Map<String, ChannelDays> channelDays(String datasetId) {
            return read(connection -> {
                Map<String, ChannelDays> channels = new TreeMap<>();
                try (PreparedStatement query = connection.prepareStatement("SELECT channel, min(day), max(day) "
                        + "FROM dataset_rollups WHERE dataset_id = ? GROUP BY channel")) {
                    query.setString(1, datasetId);
                    try (ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            channels.put(rows.getString(1), new ChannelDays(rows.getDate(2).toLocalDate(),
                                    rows.getDate(3).toLocalDate()));
                        }
                    }
                }
                return channels;
            });
        }
    }

    private static <T> List<T> iterator(java.util.Iterator<T> items) {
        List<T> list = new ArrayList<>();
        items.forEachRemaining(list::add);
        return list;
    }
}
