package dev.sluice.adapter.out.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.adapter.out.secrets.LocalSecretStore;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.destination.DeliverRuns;
import dev.sluice.application.port.ExternalDatabase;
import dev.sluice.application.port.PublishListener;
import dev.sluice.application.port.PublishedRows;
import dev.sluice.application.port.RunPublisher;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.domain.dataset.PublishStrategy;
import dev.sluice.config.Json;
import dev.sluice.domain.destination.ConnectionProblem;
import dev.sluice.domain.destination.Delivery;
import dev.sluice.domain.destination.DeliveryMessage;
import dev.sluice.domain.destination.DeliveryStatus;
import dev.sluice.domain.destination.Destination;
import dev.sluice.domain.destination.DestinationKind;
import dev.sluice.domain.destination.LoadStrategy;
import dev.sluice.domain.destination.SslMode;
import dev.sluice.domain.run.PublishCounts;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Delivery of published rows into a second, separate PostgreSQL (the target), through the real pieces: Sluice's
 * PostgreSQL (dataset_rows seeded as a publish leaves them, destinations and deliveries), the encrypted local secret
 * store, and the target reached over TCP with password authentication. Each strategy, in both the PostgreSQL form
 * (COPY, ON CONFLICT) and the Redshift form (batched INSERT, DELETE + INSERT), gives exactly the expected table, also
 * when the target fails on a row mid-way and the delivery is retried.
 */
public class ExternalDeliveryTest {
    static final String PASSWORD = "Tr0ub4dor&3-delivery";

    private static EmbeddedPostgres sluice;
    private static EmbeddedPostgres target;
    private static ConnectionPool pool;
    @TempDir
    static Path secretsDir;

    private DestinationStore store;
    private LocalSecretStore secrets;
    private final List<DeliveryMessage> sent = new ArrayList<>();
    private DeliverRuns deliveries;
    private String runId;
    /** Each test its own dataset, so destinations of earlier tests do not take part. */
    private String dataset;

    @BeforeAll
    static void start() throws Exception {
        sluice = EmbeddedPostgres.builder().start();
        Migrations.apply(sluice.getPostgresDatabase());
        pool = new ConnectionPool(sluice.getJdbcUrl("postgres", "postgres"), "postgres", "", 2);
        target = startTarget();
        execute(target.getPostgresDatabase(), "CREATE ROLE deliverer LOGIN PASSWORD '" + PASSWORD + "'",
                "GRANT CREATE, USAGE ON SCHEMA public TO deliverer",
                "CREATE TABLE stats (day date NOT NULL, campaign text NOT NULL, channel text NOT NULL, "
                        + "spend numeric(12,2), clicks bigint, region text, PRIMARY KEY (day, campaign, channel))",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON stats TO deliverer",
                // Fails the row of campaign 'c7' while armed: a target that breaks in the middle of a delivery.
                "CREATE TABLE trap (armed boolean NOT NULL)", "INSERT INTO trap VALUES (false)",
                "CREATE FUNCTION spring_trap() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN "
                        + "IF NEW.campaign = 'c7' AND (SELECT armed FROM trap) THEN "
                        + "RAISE EXCEPTION 'trap sprung on %', NEW.campaign; END IF; RETURN NEW; END $$",
                "CREATE TRIGGER stats_trap BEFORE INSERT OR UPDATE ON stats FOR EACH ROW "
                        + "EXECUTE FUNCTION spring_trap()");
    }

    /** A target that asks for passwords over TCP (embedded PostgreSQL trusts everyone by default). */
    public static EmbeddedPostgres startTarget() throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        String hbaFile;
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SHOW hba_file")) {
            rows.next();
            hbaFile = rows.getString(1);
        }
        Files.writeString(Path.of(hbaFile), "local all all trust\n"
                + "host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust\n"
                + "host all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n");
        execute(postgres.getPostgresDatabase(), "SELECT pg_reload_conf()");
        return postgres;
    }

    @AfterAll
    static void stop() throws Exception {
        pool.close();
        sluice.close();
        target.close();
    }

    @BeforeEach
    void fresh() throws SQLException {
        store = new DestinationStore(pool, Json.mapper());
        secrets = new LocalSecretStore(secretsDir.resolve("data"), secretsDir.resolve("key"));
        deliveries = new DeliverRuns(store, sent::add, new DestinationRows(pool), new ExternalPostgres(), secrets,
                Clock.systemUTC());
        runId = UUID.randomUUID().toString();
        dataset = "ds_" + runId.replace("-", "").substring(0, 20);
        execute(target.getPostgresDatabase(), "DELETE FROM stats", "UPDATE trap SET armed = false",
                "DROP TABLE IF EXISTS sluice_deliveries");
        // Ten published marketing rows, campaigns c1..c10.
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            int campaign = i;
            values.append(i > 1 ? ", " : "").append("('").append(dataset).append("', '[\"").append(runId)
                    .append("\",").append(i).append("]', '")
                    .append(runId).append("', ").append(i).append(", DATE '2024-05-01', 'c").append(campaign)
                    .append("', 'search', ").append(i).append(".50, ").append(i * 10).append(", '{\"Region\": \"EU")
                    .append(i).append("\"}')");
        }
        execute(sluice.getPostgresDatabase(), "INSERT INTO dataset_rows (dataset_id, row_key, run_id, record_no, "
                + "date, campaign, channel, spend, clicks, extra) VALUES " + values);
    }

    private Destination destination(DestinationKind kind, LoadStrategy strategy) {
        String id = "dst_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("day", "date");
        columns.put("campaign", "campaign");
        columns.put("channel", "channel");
        columns.put("spend", "spend");
        columns.put("clicks", "clicks");
        columns.put("region", "Region");
        List<String> key = strategy == LoadStrategy.UPSERT ? List.of("day", "campaign", "channel") : List.of();
        String reference = secrets.put("destinations/" + id + "/password", PASSWORD);
        Destination destination = new Destination(id, dataset, "alice", "warehouse " + kind.wireName(), kind,
                "127.0.0.1", target.getPort(), "postgres", "deliverer", reference, SslMode.DISABLE, "public", "stats",
                columns, strategy, key, Instant.now(), Instant.now());
        store.create(destination);
        return destination;
    }

    /**
     * The run's rows as the target should hold them, one per record in text form; with {@code tenIsC3} record 10 is
     * campaign c3 (the key of record 3), which an upsert keeps as the later one.
     */
    private static List<String> runRows(boolean tenIsC3) {
        List<String> rows = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            int campaign = tenIsC3 && i == 10 ? 3 : i;
            if (tenIsC3 && i == 3) {
                continue;
            }
            rows.add("2024-05-01|c" + campaign + "|search|" + i + ".50|" + i * 10 + "|EU" + i);
        }
        return rows.stream().sorted().toList();
    }

    private static List<String> targetRows() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = target.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT day, campaign, channel, spend, clicks, region "
                        + "FROM stats ORDER BY 1, 2, 3, 4, 5, 6")) {
            while (result.next()) {
                rows.add(result.getString(1) + "|" + result.getString(2) + "|" + result.getString(3) + "|"
                        + result.getString(4) + "|" + result.getString(5) + "|" + result.getString(6));
            }
        }
        return rows.stream().sorted().toList();
    }

    private static long markers(String runId) throws SQLException {
        try (Connection connection = target.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = "
                        + "'sluice_deliveries'")) {
            result.next();
            if (result.getLong(1) == 0) {
                return 0;
            }
        }
        try (Connection connection = target.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM sluice_deliveries WHERE run_id = '"
                        + runId + "'")) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Publishes the run (as the engine tells its listener) and handles every message that puts on the queue. */
    private List<DeliverRuns.Outcome> publishAndDeliver() {
        deliveries.published(new PublishListener.Published(runId, dataset, "append"));
        List<DeliverRuns.Outcome> outcomes = new ArrayList<>();
        List<DeliveryMessage> messages = List.copyOf(sent);
        sent.clear();
        for (DeliveryMessage message : messages) {
            outcomes.add(deliveries.deliver(message));
        }
        return outcomes;
    }

    private Delivery delivery(Destination destination) {
        return store.delivery(runId, destination.id()).orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(DestinationKind.class)
    void insertAddsEachPublishedRowOnceAndARedeliveredMessageAddsNothing(DestinationKind kind) throws SQLException {
        execute(target.getPostgresDatabase(), "INSERT INTO stats VALUES ('2023-01-01', 'old', 'tv', 1, 1, 'US')");
        Destination destination = destination(kind, LoadStrategy.INSERT);

        assertEquals(List.of(DeliverRuns.Outcome.DELIVERED), publishAndDeliver());
        List<String> expected = new ArrayList<>(runRows(false));
        expected.add("2023-01-01|old|tv|1.00|1|US");
        expected.sort(null);
        assertEquals(expected, targetRows());
        Delivery done = delivery(destination);
        assertEquals(DeliveryStatus.DELIVERED, done.status());
        assertEquals(10L, done.rows());
        assertEquals(1, done.attempts());

        // The same publish told again, and the message delivered again: nothing more reaches the target.
        deliveries.published(new PublishListener.Published(runId, dataset, "append"));
        assertTrue(sent.isEmpty(), "a delivered run is not queued again");
        assertEquals(DeliverRuns.Outcome.ALREADY_DELIVERED, deliveries.deliver(new DeliveryMessage(runId,
                destination.id())));
        // A crash after the target committed but before Sluice recorded it: the marker in the target says so.
        execute(sluice.getPostgresDatabase(), "UPDATE deliveries SET status = 'delivering' WHERE run_id = '" + runId
                + "'");
        assertEquals(DeliverRuns.Outcome.ALREADY_DELIVERED, deliveries.deliver(new DeliveryMessage(runId,
                destination.id())));
        assertEquals(expected, targetRows());
        assertEquals(1, markers(runId));
        assertEquals(DeliveryStatus.DELIVERED, delivery(destination).status());
        assertEquals(10L, delivery(destination).rows());
    }

    @ParameterizedTest
    @EnumSource(DestinationKind.class)
    void upsertReplacesRowsWithTheSameKeyKeepsTheOthersAndTheLastRowOfAKeyWins(DestinationKind kind)
            throws SQLException {
        execute(target.getPostgresDatabase(), "INSERT INTO stats VALUES ('2024-05-01', 'c5', 'search', 99, 99, 'old'),"
                + " ('2023-01-01', 'kept', 'tv', 1, 1, 'US')");
        execute(sluice.getPostgresDatabase(), "UPDATE dataset_rows SET campaign = 'c3' WHERE run_id = '" + runId
                + "' AND record_no = 10");
        Destination destination = destination(kind, LoadStrategy.UPSERT);

        assertEquals(List.of(DeliverRuns.Outcome.DELIVERED), publishAndDeliver());

        List<String> expected = new ArrayList<>(runRows(true));
        expected.add("2023-01-01|kept|tv|1.00|1|US");
        expected.sort(null);
        assertEquals(expected, targetRows());
        assertEquals(9L, delivery(destination).rows());
    }

    @ParameterizedTest
    @EnumSource(DestinationKind.class)
    void truncateInsertLeavesExactlyTheRunsRows(DestinationKind kind) throws SQLException {
        execute(target.getPostgresDatabase(), "INSERT INTO stats VALUES ('2023-01-01', 'gone', 'tv', 1, 1, 'US'),"
                + " ('2024-05-01', 'c4', 'search', 7, 7, 'replaced')");
        Destination destination = destination(kind, LoadStrategy.TRUNCATE_INSERT);

        assertEquals(List.of(DeliverRuns.Outcome.DELIVERED), publishAndDeliver());

        assertEquals(runRows(false), targetRows());
        assertEquals(10L, delivery(destination).rows());
    }

    /** Every strategy in both dialects. */
    static Stream<Arguments> strategiesAndDialects() {
        return Stream.of(LoadStrategy.values()).flatMap(strategy -> Stream.of(DestinationKind.values())
                .map(kind -> Arguments.of(strategy, kind)));
    }

    @ParameterizedTest(name = "{0} into {1}")
    @MethodSource("strategiesAndDialects")
    void aDeliveryThatFailsMidWayLeavesNothingAndItsRetryEndsExactlyOnce(LoadStrategy strategy, DestinationKind kind)
            throws SQLException {
        // A row of the table from before, and for upsert one the run replaces (record 5's key).
        List<String> before = new ArrayList<>(List.of("2023-01-01|before|tv|1.00|1|US"));
        execute(target.getPostgresDatabase(), "INSERT INTO stats VALUES ('2023-01-01', 'before', 'tv', 1, 1, 'US')");
        if (strategy == LoadStrategy.UPSERT) {
            execute(target.getPostgresDatabase(),
                    "INSERT INTO stats VALUES ('2024-05-01', 'c5', 'search', 99, 99, 'old')");
            before.add("2024-05-01|c5|search|99.00|99|old");
            before.sort(null);
        }
        execute(target.getPostgresDatabase(), "UPDATE trap SET armed = true");
        List<String> expected = new ArrayList<>(runRows(false));
        if (strategy != LoadStrategy.TRUNCATE_INSERT) {
            // insert adds to the table; upsert replaces c5 and keeps the rest; truncate-insert keeps nothing else.
            expected.add("2023-01-01|before|tv|1.00|1|US");
            expected.sort(null);
        }
        Destination destination = destination(kind, strategy);
        deliveries.published(new PublishListener.Published(runId, dataset, "append"));
        DeliveryMessage message = sent.getFirst();

        ExternalDatabase.Failure failure = assertThrows(ExternalDatabase.Failure.class,
                () -> deliveries.deliver(message));

        assertEquals(ConnectionProblem.REJECTED_ROWS, failure.problem());
        assertTrue(failure.getMessage().contains("trap sprung on c7"), failure.getMessage());
        // Rolled back whole: the table is as it was (a DELETE too was undone), no marker, status failed.
        assertEquals(before, targetRows());
        assertEquals(0, markers(runId));
        Delivery failed = delivery(destination);
        assertEquals(DeliveryStatus.FAILED, failed.status());
        assertEquals(1, failed.attempts());
        assertTrue(failed.error().startsWith("REJECTED_ROWS: "), failed.error());
        assertFalse(failed.error().contains(PASSWORD));

        // The queue delivers the message again once the target is fixed.
        execute(target.getPostgresDatabase(), "UPDATE trap SET armed = false");
        assertEquals(DeliverRuns.Outcome.DELIVERED, deliveries.deliver(message));
        Delivery done = delivery(destination);
        assertEquals(DeliveryStatus.DELIVERED, done.status());
        assertEquals(2, done.attempts());
        assertEquals(10L, done.rows());
        assertEquals(null, done.error());
        assertEquals(expected, targetRows());
        assertEquals(1, markers(runId));
        // Sluice lost the outcome (status still failed): the next attempt finds the marker and writes nothing.
        execute(sluice.getPostgresDatabase(), "UPDATE deliveries SET status = 'failed' WHERE run_id = '" + runId + "'");
        assertEquals(DeliverRuns.Outcome.ALREADY_DELIVERED, deliveries.deliver(message));

        assertEquals(expected, targetRows());
        assertEquals(1, markers(runId));
        assertEquals(DeliveryStatus.DELIVERED, delivery(destination).status());
        assertEquals(10L, delivery(destination).rows());
    }

    @ParameterizedTest
    @EnumSource(DestinationKind.class)
    void theSameDeliveryTwiceAtOnceWritesTheRowsOnce(DestinationKind kind) throws Exception {
        Destination destination = destination(kind, LoadStrategy.INSERT);
        ExternalDatabase.Target target = new ExternalDatabase.Target(destination.id(), kind, "127.0.0.1",
                ExternalDeliveryTest.target.getPort(), "postgres", "deliverer", PASSWORD, SslMode.DISABLE, "public",
                "stats", List.copyOf(destination.columns().keySet()), LoadStrategy.INSERT, List.of());
        ExternalPostgres external = new ExternalPostgres();
        DestinationRows rows = new DestinationRows(pool);
        java.util.concurrent.CyclicBarrier bothReady = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<ExternalDatabase.Outcome>> attempts = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                attempts.add(threads.submit(() -> {
                    bothReady.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    return external.deliver(target, runId, rows.rowsOf(dataset, runId,
                            List.copyOf(destination.columns().values()), PublishedRows.Scope.CHANGED));
                }));
            }
            int wrote = 0;
            for (var attempt : attempts) {
                try {
                    ExternalDatabase.Outcome outcome = attempt.get(60, java.util.concurrent.TimeUnit.SECONDS);
                    wrote += outcome.already() ? 0 : 1;
                    assertEquals(10, outcome.rows());
                } catch (java.util.concurrent.ExecutionException e) {
                    // The Redshift form's loser may trip over the marker's key instead of waiting for it.
                    assertTrue(e.getCause() instanceof ExternalDatabase.Failure, String.valueOf(e.getCause()));
                }
            }
            assertEquals(1, wrote, "exactly one attempt writes the rows");
        } finally {
            threads.shutdownNow();
        }
        assertEquals(runRows(false), targetRows());
        assertEquals(1, markers(runId));
    }

    /** One stored record of a marketing run (day 2024-05-01, channel search): campaign, spend, clicks, Region. */
    private record Rec(String campaign, String spend, long clicks, String region) {
        String targetRow() {
            return "2024-05-01|" + campaign + "|search|" + spend + "|" + clicks + "|" + region;
        }
    }

    /** Stores the records as loading leaves them and publishes the run into the dataset by upsert. */
    private static void publishUpsert(String dataset, String runId, List<Rec> records) throws SQLException {
        try (Connection connection = sluice.getPostgresDatabase().getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO records (run_id, record_no, "
                        + "line_no, dataset_id, date, campaign, channel, spend, clicks, extra) "
                        + "VALUES (?, ?, ?, ?, DATE '2024-05-01', ?, 'search', ?::numeric, ?, "
                        + "jsonb_build_object('Region', ?::text))")) {
            long recordNo = 1;
            for (Rec rec : records) {
                insert.setString(1, runId);
                insert.setLong(2, recordNo);
                insert.setLong(3, recordNo + 1);
                insert.setString(4, dataset);
                insert.setString(5, rec.campaign());
                insert.setString(6, rec.spend());
                insert.setLong(7, rec.clicks());
                insert.setString(8, rec.region());
                insert.addBatch();
                recordNo++;
            }
            insert.executeBatch();
        }
        assertTrue(new PostgresPublisher(pool).publish(new RunPublisher.Target(runId, dataset, DatasetKind.MARKETING,
                PublishStrategy.UPSERT, PublishSettings.MARKETING_KEY)).publishedNow());
    }

    /** Run 1 has keys a, b, c; run 2 has a (once changed, then as run 1 had it: the last wins), b changed, d new. */
    private static final List<Rec> RUN_1 = List.of(new Rec("a", "1.50", 1, "EU"), new Rec("b", "2.50", 2, "EU"),
            new Rec("c", "3.50", 3, "EU"));
    private static final List<Rec> RUN_2 = List.of(new Rec("a", "9.00", 9, "US"), new Rec("b", "2.75", 20, "US"),
            new Rec("d", "4.50", 4, "US"), new Rec("a", "1.50", 1, "EU"));

    @ParameterizedTest(name = "{0} into {1}")
    @MethodSource("strategiesAndDialects")
    void truncateInsertGetsEveryKeyTheRunPublishedInsertAndUpsertOnlyWhatItChanged(LoadStrategy strategy,
            DestinationKind kind) throws SQLException {
        dataset = "ds_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String first = UUID.randomUUID().toString();
        publishUpsert(dataset, first, RUN_1);
        // Created after run 1 was published, so only run 2 is delivered to it.
        Destination destination = destination(kind, strategy);
        execute(target.getPostgresDatabase(), "INSERT INTO stats VALUES ('2023-01-01', 'old', 'tv', 1, 1, 'US')");
        runId = UUID.randomUUID().toString();
        publishUpsert(dataset, runId, RUN_2);
        assertEquals(new PublishCounts(1, 1, 1, 1, 0),
                new PostgresPublisher(pool).publication(runId).orElseThrow().counts(),
                "d inserted, b updated, a unchanged (its first record kept out by its last)");

        assertEquals(List.of(DeliverRuns.Outcome.DELIVERED), publishAndDeliver());

        String a = RUN_2.get(3).targetRow();
        String b = RUN_2.get(1).targetRow();
        String d = RUN_2.get(2).targetRow();
        // truncate-insert: the table becomes run 2's data, a included (c is not run 2's, "old" goes); insert and
        // upsert: run 2's changes added to what the table held (a is there from run 1's time, or never wanted).
        List<String> expected = strategy == LoadStrategy.TRUNCATE_INSERT ? List.of(a, b, d)
                : List.of("2023-01-01|old|tv|1.00|1|US", b, d);
        assertEquals(expected.stream().sorted().toList(), targetRows());
        assertEquals(strategy == LoadStrategy.TRUNCATE_INSERT ? 3L : 2L, delivery(destination).rows());
    }

    /** A new dataset and run, and a truncate-insert destination whose table already holds a row of its own. */
    private Destination truncateInsertBesideAKeptRow(DestinationKind kind) throws SQLException {
        dataset = "ds_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        runId = UUID.randomUUID().toString();
        Destination destination = destination(kind, LoadStrategy.TRUNCATE_INSERT);
        execute(target.getPostgresDatabase(), "INSERT INTO stats VALUES ('2023-01-01', 'kept', 'tv', 1, 1, 'US')");
        return destination;
    }

    @ParameterizedTest
    @EnumSource(DestinationKind.class)
    void aRunRolledBackBeforeItsDeliveryIsNotSentAndCannotBeResent(DestinationKind kind) throws SQLException {
        Destination destination = truncateInsertBesideAKeptRow(kind);
        List<String> before = targetRows();
        publishUpsert(dataset, runId, RUN_1);
        deliveries.published(new PublishListener.Published(runId, dataset, "upsert"));
        DeliveryMessage message = sent.getFirst();
        new PostgresPublisher(pool).rollback(runId).orElseThrow();

        assertEquals(DeliverRuns.Outcome.SKIPPED, deliveries.deliver(message));

        assertEquals(before, targetRows(), "the table is not emptied");
        assertEquals(0, markers(runId));
        Delivery skipped = delivery(destination);
        assertEquals(DeliveryStatus.SKIPPED, skipped.status());
        assertEquals("RUN_ROLLED_BACK: run " + runId + " was rolled back before it was delivered; nothing was sent",
                skipped.error());
        assertEquals(null, skipped.rows());
        sent.clear();
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> deliveries.resend(runId, destination.id()));
        assertEquals("RUN_ROLLED_BACK", refused.code());
        assertEquals(409, refused.httpStatus());
        assertTrue(sent.isEmpty(), "nothing is queued");
        // The queue delivering the message again changes nothing either.
        assertEquals(DeliverRuns.Outcome.SKIPPED, deliveries.deliver(message));
        assertEquals(before, targetRows());
        assertEquals(DeliveryStatus.SKIPPED, delivery(destination).status());
    }

    @ParameterizedTest
    @EnumSource(DestinationKind.class)
    void aRunRolledBackWhileItsDeliveryConnectsLeavesTheTargetAsItWas(DestinationKind kind) throws SQLException {
        Destination destination = truncateInsertBesideAKeptRow(kind);
        List<String> before = targetRows();
        publishUpsert(dataset, runId, RUN_1);
        DestinationRows rows = new DestinationRows(pool);
        // The check before connecting saw the run published; the rollback commits before its rows are read, after
        // the target's DELETE.
        PublishedRows lateRollback = new PublishedRows() {
            @Override
            public RowStream rowsOf(String datasetId, String runId, List<String> fields, Scope scope) {
                return sink -> {
                    new PostgresPublisher(pool).rollback(runId).orElseThrow();
                    rows.rowsOf(datasetId, runId, fields, scope).forEach(sink);
                };
            }

            @Override
            public boolean rolledBack(String runId) {
                return false;
            }
        };
        DeliverRuns racing = new DeliverRuns(store, sent::add, lateRollback, new ExternalPostgres(), secrets,
                Clock.systemUTC());
        racing.published(new PublishListener.Published(runId, dataset, "upsert"));

        assertEquals(DeliverRuns.Outcome.SKIPPED, racing.deliver(sent.getFirst()));

        assertEquals(before, targetRows(), "the DELETE went with the target's transaction");
        assertEquals(0, markers(runId));
        assertEquals(DeliveryStatus.SKIPPED, delivery(destination).status());
    }

    public static void execute(DataSource dataSource, String... statements) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
