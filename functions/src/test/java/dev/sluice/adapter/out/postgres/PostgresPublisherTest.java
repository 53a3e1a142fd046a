package dev.sluice.adapter.out.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.port.PublishedRows;
import dev.sluice.application.port.RunPublisher.Result;
import dev.sluice.application.publish.PublishRun;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.port.RunPublisher.RollbackResult;
import dev.sluice.application.port.RunPublisher.Target;
import dev.sluice.domain.run.PublishCounts;
import dev.sluice.domain.run.ReviewReport;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.domain.run.RollbackReport.KeyConflict;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.domain.dataset.PublishStrategy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The publish strategies, review counts, rollback and the exactly-once guarantees against a real PostgreSQL. Runs'
 * records are written straight into {@code records}/{@code raw_records} (what loading leaves there); every
 * expectation is computed by the test from the rows it wrote, and rollups are checked against a recomputation from
 * the current rows.
 */
class PostgresPublisherTest {
    private static EmbeddedPostgres postgres;
    private static ConnectionPool pool;
    private static PostgresPublisher publisher;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Migrations.apply(postgres.getPostgresDatabase());
        pool = new ConnectionPool(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", 6);
        publisher = new PostgresPublisher(pool);
    }

    @AfterAll
    static void stop() throws Exception {
        pool.close();
        postgres.close();
    }

    /** Delivers the same publish {@code deliveries} times at once; returns how many of them published. */
    private static int publishedNowOf(int deliveries, Target target) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(deliveries);
        int publishedNow = 0;
        try {
            List<Future<Result>> results = new ArrayList<>();
            for (int i = 0; i < deliveries; i++) {
                results.add(threads.submit(() -> {
                    go.await();
                    return publisher.publish(target);
                }));
            }
            go.countDown();
            for (Future<Result> result : results) {
                publishedNow += result.get().publishedNow() ? 1 : 0;
            }
        } finally {
            threads.shutdown();
        }
        return publishedNow;
    }

    /** One marketing record: date, campaign, channel, spend (text as loaded), clicks. */
    private record Rec(String date, String campaign, String channel, String spend, long clicks) {
        String key() {
            return date + "|" + campaign + "|" + channel;
        }
    }

    @Test
    void anUpsertCorrectionHoldsTheMergedStateAndReviewCountsWereExact() throws SQLException {
        String dataset = "ds_" + UUID.randomUUID();
        String first = run(dataset, List.of(
                new Rec("2024-05-01", "Spring", "Search", "10.00", 5),
                new Rec("2024-05-01", "Spring", "Social", "20.00", 6),
                new Rec("2024-05-02", "Spring", "Search", "30.00", 7),
                new Rec("2024-05-02", "Summer", "Search", "40.00", 8)));
        Result published = publisher.publish(upsert(first, dataset));
        assertTrue(published.publishedNow());
        assertEquals(new PublishCounts(4, 0, 0, 0, 0), published.publication().counts());

        List<Rec> corrected = List.of(
                new Rec("2024-05-01", "Spring", "Search", "10.0", 5),   // same value, other spelling: unchanged
                new Rec("2024-05-01", "Spring", "Social", "25.00", 6),  // changed
                new Rec("2024-05-02", "Spring", "Search", "31.00", 7),  // changed, then changed again below
                new Rec("2024-05-03", "Spring", "Search", "50.00", 9),  // new
                new Rec("2024-05-02", "Spring", "Search", "32.50", 7)); // same key later in the run: wins
        String second = run(dataset, corrected);
        ReviewReport review = publisher.review(upsert(second, dataset), 10);
        assertEquals(new PublishCounts(1, 2, 1, 1, 0), review.counts());
        assertEquals(PublishSettings.MARKETING_KEY, review.key());
        assertEquals(1, review.samples().conflicting().size());
        assertEquals(List.of(3L, 5L), review.samples().conflicting().get(0).recordNos());
        assertEquals(2, review.samples().updated().size());
        assertNotNull(review.samples().updated().get(0).before(), "an update shows the old row");
        assertEquals(0, currentRows(dataset).values().stream().filter(r -> r.startsWith(second)).count(),
                "review writes nothing");

        Result correction = publisher.publish(upsert(second, dataset));
        assertEquals(review.counts(), correction.publication().counts(), "review counted what publishing did");

        Map<String, String> expected = new TreeMap<>();
        expected.put("[\"2024-05-01\", \"Spring\", \"Search\"]", first + ":1:10.00");
        expected.put("[\"2024-05-01\", \"Spring\", \"Social\"]", second + ":2:25.00");
        expected.put("[\"2024-05-02\", \"Spring\", \"Search\"]", second + ":5:32.50");
        expected.put("[\"2024-05-02\", \"Summer\", \"Search\"]", first + ":4:40.00");
        expected.put("[\"2024-05-03\", \"Spring\", \"Search\"]", second + ":4:50.00");
        assertEquals(expected, currentRows(dataset));
        assertRollupsMatchRows(dataset);
    }

    @Test
    void rollingBackTheMiddleOfThreeRunsRestoresItsPredecessorsAndLeavesLaterChangesAsConflicts()
            throws SQLException {
        String dataset = "ds_" + UUID.randomUUID();
        String a = run(dataset, List.of(rec("K1", "1"), rec("K2", "2"), rec("K3", "3")));
        String b = run(dataset, List.of(rec("K1", "11"), rec("K2", "12"), rec("K4", "14")));
        String c = run(dataset, List.of(rec("K2", "22"), rec("K5", "25")));
        for (String run : List.of(a, b, c)) {
            publisher.publish(upsert(run, dataset));
        }

        RollbackResult undone = publisher.rollback(b).orElseThrow();
        assertTrue(undone.rolledBackNow());
        Map<String, String> expected = new TreeMap<>();
        expected.put(key("K1"), a + ":1:1");
        expected.put(key("K2"), c + ":1:22");
        expected.put(key("K3"), a + ":3:3");
        expected.put(key("K5"), c + ":2:25");
        assertEquals(expected, currentRows(dataset), "K1 back to A, K4 gone, K2 left to the later run C");
        assertEquals(List.of(new KeyConflict(key("K2"), c)), undone.publication().rollback().conflicts());
        assertEquals(2, undone.publication().rollback().removed(), "B's current K1 and K4");
        assertEquals(1, undone.publication().rollback().restored(), "A's K1");
        assertRollupsMatchRows(dataset);

        assertFalse(publisher.rollback(b).orElseThrow().rolledBackNow(), "a second rollback changes nothing");
        assertFalse(publisher.publish(upsert(b, dataset)).publishedNow(), "nor does a late publish message");
        assertEquals(expected, currentRows(dataset));

        publisher.rollback(c);
        expected.put(key("K2"), a + ":2:2");
        expected.remove(key("K5"));
        assertEquals(expected, currentRows(dataset), "without B and C, the dataset is A's again");
        assertRollupsMatchRows(dataset);
    }

    @Test
    void aKeyALaterUpsertLeftUnchangedIsLeftToItWhenTheEarlierRunIsRolledBackInEitherOrder() throws Exception {
        rollBackAroundAnUnchangedKey(PublishStrategy.UPSERT, true);
        rollBackAroundAnUnchangedKey(PublishStrategy.UPSERT, false);
    }

    @Test
    void aKeyALaterReplaceLeftUnchangedIsLeftToItWhenTheEarlierRunIsRolledBackInEitherOrder() throws Exception {
        rollBackAroundAnUnchangedKey(PublishStrategy.REPLACE, true);
        rollBackAroundAnUnchangedKey(PublishStrategy.REPLACE, false);
    }

    /**
     * X publishes K3 and K9; A (upsert) inserts K1 and K2 and updates K3; then B (the strategy under test) has K1 and
     * K3 with A's values (K1 spelt "1.0": equal by value, so unchanged) and a new K4, and a replace removes K2 and K9.
     * Rolled back in either order, A then B or B then A, the dataset ends as X left it; in between it holds exactly
     * what it would without the run rolled back.
     */
    private static void rollBackAroundAnUnchangedKey(PublishStrategy strategy, boolean earlierFirst)
            throws Exception {
        boolean replace = strategy == PublishStrategy.REPLACE;
        String dataset = "ds_" + UUID.randomUUID();
        String x = run(dataset, List.of(rec("K3", "30"), rec("K9", "9")));
        publisher.publish(upsert(x, dataset));
        String a = run(dataset, List.of(rec("K1", "1"), rec("K2", "2"), rec("K3", "3")));
        publisher.publish(upsert(a, dataset));
        String b = run(dataset, List.of(rec("K1", "1.0"), rec("K3", "3"), rec("K4", "4")));
        Target laterRun = new Target(b, dataset, DatasetKind.MARKETING, strategy, PublishSettings.MARKETING_KEY);
        assertEquals(1, publishedNowOf(3, laterRun), "one of three concurrent deliveries publishes");
        assertEquals(new PublishCounts(1, 0, 2, 0, replace ? 2 : 0), publisher.publication(b).orElseThrow().counts(),
                "the unchanged keys count as unchanged");
        assertEquals(2, count("SELECT count(*) FROM dataset_claims WHERE run_id = ?", b), "K1 and K3, claimed once");
        Map<String, String> both = new TreeMap<>();
        both.put(key("K1"), a + ":1:1");
        both.put(key("K3"), a + ":3:3");
        both.put(key("K4"), b + ":3:4");
        if (!replace) {
            both.put(key("K2"), a + ":2:2");
            both.put(key("K9"), x + ":2:9");
        }
        assertEquals(both, currentRows(dataset), "an unchanged key keeps its row");
        assertRollupsMatchRows(dataset);
        List<List<String>> bComplete = List.of(List.of("K1", "1.0"), List.of("K3", "3"), List.of("K4", "4"));
        assertEquals(bComplete, deliveredComplete(dataset, b), "B's complete data: its claims with its own values");
        assertEquals(List.of(List.of("K4")), delivered(dataset, b), "B changed only K4");

        Map<String, String> onlyX = Map.of(key("K3"), x + ":1:30", key("K9"), x + ":2:9");
        if (earlierFirst) {
            RollbackResult undone = publisher.rollback(a).orElseThrow();
            Map<String, String> withoutA = new TreeMap<>();
            withoutA.put(key("K1"), b + ":1:1.0");
            withoutA.put(key("K3"), b + ":2:3");
            withoutA.put(key("K4"), b + ":3:4");
            if (!replace) {
                withoutA.put(key("K9"), x + ":2:9");
            }
            assertEquals(withoutA, currentRows(dataset), "K1 and K3 are left to B, with B's records");
            List<KeyConflict> conflicts = new ArrayList<>(List.of(new KeyConflict(key("K1"), b),
                    new KeyConflict(key("K3"), b)));
            if (replace) {
                conflicts.add(1, new KeyConflict(key("K2"), b));
            }
            assertEquals(conflicts, undone.publication().rollback().conflicts());
            assertEquals(replace ? 0 : 1, undone.publication().rollback().removed(), "K2, unless B removed it");
            assertEquals(0, undone.publication().rollback().restored(), "X's K3 stays superseded, now by B");
            assertEquals(List.of(List.of("K4")), delivered(dataset, b), "B delivers only what it wrote");
            assertEquals(bComplete, deliveredComplete(dataset, b), "the keys left to B are still B's data, once");
            assertEquals(0, count("SELECT count(*) FROM dataset_claims x JOIN publish_ledger l USING (run_id) "
                    + "WHERE l.dataset_id = ?", dataset));
            assertRollupsMatchRows(dataset);

            undone = publisher.rollback(b).orElseThrow();
            assertEquals(List.of(), undone.publication().rollback().conflicts());
            assertEquals(onlyX, currentRows(dataset), "without A and B the dataset is X's again");
            PublishedRows.RunRolledBack refused = assertThrows(PublishedRows.RunRolledBack.class,
                    () -> deliveredComplete(dataset, b), "a rolled-back run has nothing to send");
            assertEquals("run " + b + " was rolled back before it was delivered; nothing was sent",
                    refused.getMessage());
        } else {
            publisher.rollback(b);
            Map<String, String> withoutB = new TreeMap<>(both);
            withoutB.remove(key("K4"));
            withoutB.put(key("K2"), a + ":2:2");
            withoutB.put(key("K9"), x + ":2:9");
            assertEquals(withoutB, currentRows(dataset), "B's claims go with it: K1 and K3 stay A's");
            assertEquals(0, count("SELECT count(*) FROM dataset_claims x JOIN publish_ledger l USING (run_id) "
                    + "WHERE l.dataset_id = ?", dataset));
            assertRollupsMatchRows(dataset);

            RollbackResult undone = publisher.rollback(a).orElseThrow();
            assertEquals(List.of(), undone.publication().rollback().conflicts());
            assertEquals(3, undone.publication().rollback().removed(), "K1, K2 and K3");
            assertEquals(1, undone.publication().rollback().restored(), "X's K3");
            assertEquals(onlyX, currentRows(dataset), "without B and A the dataset is X's again");
        }
        assertRollupsMatchRows(dataset);
    }

    @Test
    void aReplaceRemovesWhatTheRunLacksAndItsRollbackRestoresIt() throws SQLException {
        String dataset = "ds_" + UUID.randomUUID();
        String a = run(dataset, List.of(rec("K1", "1"), rec("K2", "2")));
        publisher.publish(upsert(a, dataset));
        String r = run(dataset, List.of(rec("K2", "2"), rec("K3", "3")));
        Target replace = new Target(r, dataset, DatasetKind.MARKETING, PublishStrategy.REPLACE,
                PublishSettings.MARKETING_KEY);
        ReviewReport review = publisher.review(replace, 10);
        assertEquals(new PublishCounts(1, 0, 1, 0, 1), review.counts());
        assertEquals(key("K1"), review.samples().removed().get(0).key());
        assertEquals(review.counts(), publisher.publish(replace).publication().counts());
        assertEquals(Map.of(key("K2"), a + ":2:2", key("K3"), r + ":2:3"), currentRows(dataset));
        assertRollupsMatchRows(dataset);

        publisher.rollback(r);
        assertEquals(Map.of(key("K1"), a + ":1:1", key("K2"), a + ":2:2"), currentRows(dataset));
        assertRollupsMatchRows(dataset);
    }

    @Test
    void concurrentReplacesIntoOneDatasetEndInExactlyOneRunsData() throws Exception {
        String dataset = "ds_" + UUID.randomUUID();
        publisher.publish(upsert(run(dataset, List.of(rec("K0", "100"), rec("K1", "101"))), dataset));
        List<Rec> left = new ArrayList<>();
        List<Rec> right = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            left.add(rec("L" + i, Integer.toString(i)));
            right.add(rec("R" + i, Integer.toString(i)));
        }
        left.add(rec("K1", "7"));
        right.add(rec("K1", "8"));
        String leftRun = run(dataset, left);
        String rightRun = run(dataset, right);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool2 = Executors.newFixedThreadPool(2);
        try {
            List<Future<Result>> results = new ArrayList<>();
            for (String runId : List.of(leftRun, rightRun)) {
                results.add(pool2.submit(() -> {
                    go.await();
                    return publisher.publish(new Target(runId, dataset, DatasetKind.MARKETING,
                            PublishStrategy.REPLACE, PublishSettings.MARKETING_KEY));
                }));
            }
            go.countDown();
            for (Future<Result> result : results) {
                assertTrue(result.get().publishedNow());
            }
        } finally {
            pool2.shutdown();
        }
        String last = lastPublished(dataset);
        Map<String, String> rows = currentRows(dataset);
        assertEquals(301, rows.size());
        assertTrue(rows.values().stream().allMatch(v -> v.startsWith(last + ":")),
                "every current row is the later replace's: " + last);
        assertRollupsMatchRows(dataset);
    }

    @Test
    void aRedeliveredPublishChangesNothingTheSecondTimeAlsoConcurrently() throws Exception {
        String dataset = "ds_" + UUID.randomUUID();
        List<Rec> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            records.add(rec("K" + i, Integer.toString(i)));
        }
        String runId = run(dataset, records);
        Target append = new Target(runId, dataset, DatasetKind.MARKETING, PublishStrategy.APPEND, List.of());
        int publishedNow = publishedNowOf(3, append);
        assertEquals(1, publishedNow, "one of three concurrent deliveries publishes");
        assertFalse(publisher.publish(append).publishedNow(), "and a later one does not");
        assertEquals(200, currentRows(dataset).size());
        assertEquals(200, count("SELECT count(*) FROM dataset_rows WHERE dataset_id = ?", dataset));
        assertEquals("[\"" + runId + "\", 1]", currentRows(dataset).keySet().stream()
                .filter(k -> k.endsWith(" 1]")).findFirst().orElseThrow());
        assertRollupsMatchRows(dataset);
    }

    @Test
    void anAppendRunRedrivenAfterItPublishedPublishesTheRedrivenRecordsOnceAlsoUnderRedelivery() throws Exception {
        String dataset = "ds_" + UUID.randomUUID();
        String runId = UUID.randomUUID().toString();
        // Chunks of 3 records: 1-3 and 7-9 loaded, 4-6 dead; the PARTIAL run publishes its six records.
        store(runId, dataset, 1, List.of(rec("A1", "1"), rec("A2", "2"), rec("A3", "3")));
        store(runId, dataset, 7, List.of(rec("A7", "7"), rec("A8", "8"), rec("A9", "9")));
        Target append = new Target(runId, dataset, DatasetKind.MARKETING, PublishStrategy.APPEND, List.of());
        assertTrue(publisher.publish(append).publishedNow());
        assertFalse(publisher.publish(append).publishedNow(), "a redelivery before the redrive changes nothing");

        // The redrive loads chunk 4-6; three deliveries of the next publish message race.
        store(runId, dataset, 4, List.of(rec("A4", "4"), rec("A5", "5"), rec("A6", "6")));
        int publishedNow = publishedNowOf(3, append);
        assertEquals(1, publishedNow, "one of three concurrent deliveries publishes the redriven records");
        Result again = publisher.publish(append);
        assertFalse(again.publishedNow(), "and a later one does not");
        assertEquals(new PublishCounts(9, 0, 0, 0, 0), again.publication().counts(), "counts sum the generations");
        assertEquals(9, count("SELECT count(*) FROM dataset_rows WHERE dataset_id = ?", dataset));
        assertEquals(9, count("SELECT count(DISTINCT (run_id, record_no)) FROM dataset_rows "
                + "WHERE dataset_id = ? AND superseded_by IS NULL", dataset), "every record once, all current");
        assertEquals(2, count("SELECT generation FROM publish_ledger WHERE dataset_id = ?", dataset));
        assertRollupsMatchRows(dataset);

        RollbackResult undone = publisher.rollback(runId).orElseThrow();
        assertTrue(undone.rolledBackNow());
        assertEquals(9, undone.publication().rollback().removed(), "both generations' rows go");
        assertEquals(0, count("SELECT count(*) FROM dataset_rows WHERE dataset_id = ?", dataset));
        assertEquals(0, count("SELECT count(*) FROM dataset_rollups WHERE dataset_id = ?", dataset));
        store(runId, dataset, 10, List.of(rec("A10", "10")));
        assertFalse(publisher.publish(append).publishedNow(), "a rolled-back run never publishes again");
        assertEquals(0, count("SELECT count(*) FROM dataset_rows WHERE dataset_id = ?", dataset));
    }

    @Test
    void anUpsertRunsRedrivenRecordsPublishAsIfTheyHadBeenInItsFirstPublication() throws SQLException {
        String dataset = "ds_" + UUID.randomUUID();
        String earlier = run(dataset, List.of(rec("K1", "1"), rec("K3", "3"), rec("K5", "5")));
        publisher.publish(upsert(earlier, dataset));
        String runId = UUID.randomUUID().toString();
        store(runId, dataset, 1, List.of(rec("K1", "10"), rec("K2", "20")));
        store(runId, dataset, 8, List.of(rec("K4", "80"), rec("K2", "21")));
        Result first = publisher.publish(upsert(runId, dataset));
        assertEquals(new PublishCounts(2, 1, 0, 1, 0), first.publication().counts());
        String later = run(dataset, List.of(rec("K3", "300"), rec("K6", "600")));
        publisher.publish(upsert(later, dataset));

        store(runId, dataset, 3, List.of(
                rec("K3", "33"),    // a run published after this one wrote K3: it stays (kept)
                rec("K5", "55"),    // the earlier run's K5: updated
                rec("K4", "50"),    // this run's record 8 has K4 and comes after: it stays (kept)
                rec("K1", "11"),    // this run's record 1 had K1 and comes before: updated (the run's own row)
                rec("K7", "77")));  // new
        ReviewReport review = publisher.review(upsert(runId, dataset), 10);
        assertEquals(new PublishCounts(1, 2, 0, 2, 0), review.counts(), "review counts the redriven records only");
        Result second = publisher.publish(upsert(runId, dataset));
        assertTrue(second.publishedNow());
        assertEquals(new PublishCounts(3, 3, 0, 3, 0), second.publication().counts(), "first plus second");
        Map<String, String> expected = new TreeMap<>();
        expected.put(key("K1"), runId + ":6:11");
        expected.put(key("K2"), runId + ":9:21");
        expected.put(key("K3"), later + ":1:300");
        expected.put(key("K4"), runId + ":8:80");
        expected.put(key("K5"), runId + ":4:55");
        expected.put(key("K6"), later + ":2:600");
        expected.put(key("K7"), runId + ":7:77");
        assertEquals(expected, currentRows(dataset));
        assertRollupsMatchRows(dataset);
        assertFalse(publisher.publish(upsert(runId, dataset)).publishedNow(), "a redelivery changes nothing");
        assertEquals(expected, currentRows(dataset));

        RollbackResult undone = publisher.rollback(runId).orElseThrow();
        assertEquals(List.of(), undone.publication().rollback().conflicts(), "no later run wrote the run's keys");
        assertEquals(5, undone.publication().rollback().removed(), "K1, K2, K4, K5, K7");
        assertEquals(2, undone.publication().rollback().restored(), "the earlier run's K1 and K5");
        assertEquals(Map.of(key("K1"), earlier + ":1:1", key("K3"), later + ":1:300", key("K5"), earlier + ":3:5",
                key("K6"), later + ":2:600"), currentRows(dataset));
        assertEquals(0, count("SELECT count(*) FROM dataset_rows WHERE run_id = ?", runId));
        assertRollupsMatchRows(dataset);
    }

    @Test
    void aRedrivenRecordIsKeptOutOfAKeyALaterRunPublishedAsUnchanged() throws SQLException {
        String dataset = "ds_" + UUID.randomUUID();
        String earlier = run(dataset, List.of(rec("K5", "5")));
        publisher.publish(upsert(earlier, dataset));
        String runId = UUID.randomUUID().toString();
        store(runId, dataset, 1, List.of(rec("K1", "10")));
        publisher.publish(upsert(runId, dataset));
        String later = run(dataset, List.of(rec("K5", "5.00")));
        assertEquals(new PublishCounts(0, 0, 1, 0, 0), publisher.publish(upsert(later, dataset)).publication()
                .counts());

        // Had record 2 been in the run's first publication, the later run would have set K5 back to 5: it holds K5.
        store(runId, dataset, 2, List.of(rec("K5", "55")));
        assertEquals(new PublishCounts(1, 0, 0, 1, 0), publisher.publish(upsert(runId, dataset)).publication()
                .counts(), "kept out: conflicting");
        assertEquals(Map.of(key("K1"), runId + ":1:10", key("K5"), earlier + ":1:5"), currentRows(dataset));

        RollbackResult undone = publisher.rollback(earlier).orElseThrow();
        assertEquals(List.of(new KeyConflict(key("K5"), later)), undone.publication().rollback().conflicts());
        assertEquals(Map.of(key("K1"), runId + ":1:10", key("K5"), later + ":1:5.00"), currentRows(dataset));
        assertRollupsMatchRows(dataset);
    }

    @Test
    void aReplaceRunsLaterGenerationAddsToItsFirstWithoutRemovingAndALaterReplaceKeepsItOut() throws SQLException {
        String dataset = "ds_" + UUID.randomUUID();
        String earlier = run(dataset, List.of(rec("P1", "1"), rec("P2", "2")));
        publisher.publish(upsert(earlier, dataset));
        String runId = UUID.randomUUID().toString();
        store(runId, dataset, 1, List.of(rec("R1", "10")));
        store(runId, dataset, 3, List.of(rec("R3", "30")));
        Target replace = new Target(runId, dataset, DatasetKind.MARKETING, PublishStrategy.REPLACE,
                PublishSettings.MARKETING_KEY);
        assertEquals(new PublishCounts(2, 0, 0, 0, 2), publisher.publish(replace).publication().counts());

        store(runId, dataset, 2, List.of(rec("P2", "22")));
        ReviewReport review = publisher.review(replace, 10);
        assertEquals(new PublishCounts(1, 0, 0, 0, 0), review.counts(), "a later generation removes nothing");
        assertEquals(List.of(), review.samples().removed());
        assertEquals(new PublishCounts(3, 0, 0, 0, 2), publisher.publish(replace).publication().counts());
        assertEquals(Map.of(key("P2"), runId + ":2:22", key("R1"), runId + ":1:10", key("R3"), runId + ":3:30"),
                currentRows(dataset), "the first generation's rows stay current beside the second's");
        assertRollupsMatchRows(dataset);

        String next = run(dataset, List.of(rec("N1", "5")));
        publisher.publish(new Target(next, dataset, DatasetKind.MARKETING, PublishStrategy.REPLACE,
                PublishSettings.MARKETING_KEY));
        store(runId, dataset, 4, List.of(rec("R4", "40")));
        Result third = publisher.publish(replace);
        assertTrue(third.publishedNow(), "the record is taken (covered), so it is never published later");
        assertEquals(new PublishCounts(3, 0, 0, 1, 2), third.publication().counts(), "kept out: conflicting");
        assertEquals(Map.of(key("N1"), next + ":1:5"), currentRows(dataset), "the later replace stays the data");
        assertRollupsMatchRows(dataset);

        publisher.rollback(next);
        assertEquals(Map.of(key("P2"), runId + ":2:22", key("R1"), runId + ":1:10", key("R3"), runId + ":3:30"),
                currentRows(dataset));
        publisher.rollback(runId);
        assertEquals(Map.of(key("P1"), earlier + ":1:1", key("P2"), earlier + ":2:2"), currentRows(dataset));
        assertRollupsMatchRows(dataset);
    }

    @Test
    void aRawDatasetUpsertsByHeaderColumnsAndDeletingTheDatasetRemovesItsRows() throws SQLException {
        String dataset = "ds_" + UUID.randomUUID();
        String first = rawRun(dataset, List.of("{\"Id\": \"1\", \"Name\": \"a\"}", "{\"Id\": \"2\", \"Name\": \"b\"}"));
        String second = rawRun(dataset,
                List.of("{\"Id\": \"2\", \"Name\": \"B\"}", "{\"Id\": \"3\", \"Name\": \"c\"}"));
        for (String runId : List.of(first, second)) {
            publisher.publish(new Target(runId, dataset, DatasetKind.RAW, PublishStrategy.UPSERT, List.of("Id")));
        }
        assertEquals(Map.of("[\"1\"]", first + ":1:", "[\"2\"]", second + ":1:", "[\"3\"]", second + ":2:"),
                currentRows(dataset));
        for (String table : List.of("dataset_rollups", "dataset_day_channel_rollups",
                "dataset_month_campaign_rollups")) {
            assertEquals(0, count("SELECT count(*) FROM " + table + " WHERE dataset_id = ?", dataset),
                    "raw datasets have no rollups: " + table);
        }
        // A raw run's unchanged record is part of its complete data, read from its raw record.
        String third = rawRun(dataset, List.of("{\"Id\": \"1\", \"Name\": \"a\"}",
                "{\"Id\": \"4\", \"Name\": \"d\"}"));
        publisher.publish(new Target(third, dataset, DatasetKind.RAW, PublishStrategy.UPSERT, List.of("Id")));
        List<List<String>> complete = new ArrayList<>();
        new DestinationRows(pool).rowsOf(dataset, third, List.of("Id", "Name"), PublishedRows.Scope.COMPLETE)
                .forEach(complete::add);
        assertEquals(List.of(List.of("1", "a"), List.of("4", "d")), complete);
        List<List<String>> changed = new ArrayList<>();
        new DestinationRows(pool).rowsOf(dataset, third, List.of("Id", "Name"), PublishedRows.Scope.CHANGED)
                .forEach(changed::add);
        assertEquals(List.of(List.of("4", "d")), changed);
        publisher.deleteDataset(dataset);
        assertEquals(0, count("SELECT count(*) FROM dataset_rows WHERE dataset_id = ?", dataset));
        assertEquals(0, count("SELECT count(*) FROM publish_ledger WHERE dataset_id = ?", dataset));
        assertTrue(publisher.publication(first).isEmpty());
    }

    @Test
    void theCoarseRollupsKeepTheDecimalScaleOfTheGroupsThatRemainAfterARollback() throws SQLException {
        String dataset = "ds_" + UUID.randomUUID();
        String first = run(dataset, List.of(new Rec("2024-06-01", "A", "Search", "10.25", 1)));
        String second = run(dataset, List.of(new Rec("2024-06-01", "B", "Search", "7", 1),
                new Rec("2024-06-02", "A", "Search", "3", 1)));
        publisher.publish(upsert(first, dataset));
        publisher.publish(upsert(second, dataset));
        assertEquals(List.of("2024-06-01/Search/17.25/0", "2024-06-02/Search/3/0"), texts("SELECT day::text, channel, "
                + "spend::text, conversions::text FROM dataset_day_channel_rollups WHERE dataset_id = ? ORDER BY 1",
                dataset));
        assertRollupsMatchRows(dataset);

        publisher.rollback(first);
        // Moved by the delta alone, 17.25 - 10.25 would read "7.00" and 13.25 - 10.25 "3.00": sums of groups
        // that no longer have a row with two decimals.
        assertEquals(List.of("2024-06-01/Search/7/0", "2024-06-02/Search/3/0"), texts("SELECT day::text, channel, "
                + "spend::text, conversions::text FROM dataset_day_channel_rollups WHERE dataset_id = ? ORDER BY 1",
                dataset));
        assertEquals(List.of("2024-06-01/A/3/0", "2024-06-01/B/7/0"), texts("SELECT month::text, campaign, "
                + "spend::text, conversions::text FROM dataset_month_campaign_rollups WHERE dataset_id = ? "
                + "ORDER BY 2", dataset));
        assertRollupsMatchRows(dataset);

        publisher.deleteDataset(dataset);
        for (String table : List.of("dataset_rollups", "dataset_day_channel_rollups",
                "dataset_month_campaign_rollups")) {
            assertEquals(0, count("SELECT count(*) FROM " + table + " WHERE dataset_id = ?", dataset), table);
        }
    }

    @Test
    void rowsMovingBetweenMonthsChannelsAndCampaignsMoveEveryRollupTable() throws SQLException {
        String dataset = "ds_" + UUID.randomUUID();
        java.util.Random random = new java.util.Random(7);
        List<String> runs = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            List<Rec> records = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                String spend = switch (random.nextInt(4)) {
                    case 0 -> Integer.toString(random.nextInt(100));
                    case 1 -> random.nextInt(100) + "." + random.nextInt(10);
                    case 2 -> random.nextInt(100) + ".50";
                    default -> "0.125";
                };
                records.add(new Rec(java.time.LocalDate.of(2024, 1, 28).plusDays(random.nextInt(70)).toString(),
                        "C" + random.nextInt(4), "Ch" + random.nextInt(3), spend, random.nextInt(9)));
            }
            String runId = run(dataset, records);
            runs.add(runId);
            publisher.publish(new Target(runId, dataset, DatasetKind.MARKETING,
                    r == 2 ? PublishStrategy.REPLACE : PublishStrategy.UPSERT, PublishSettings.MARKETING_KEY));
            assertRollupsMatchRows(dataset);
        }
        for (String runId : List.of(runs.get(1), runs.get(3), runs.get(0))) {
            publisher.rollback(runId);
            assertRollupsMatchRows(dataset);
        }
    }

    private static Rec rec(String campaign, String spend) {
        return new Rec("2024-06-01", campaign, "Search", spend, 1);
    }

    private static String key(String campaign) {
        return "[\"2024-06-01\", \"" + campaign + "\", \"Search\"]";
    }

    @Test
    void aRunWhoseDatasetWasDeletedFailsInsteadOfPublishingUnderItsId() throws SQLException {
        String dataset = "ds_" + UUID.randomUUID();
        String runId = run(dataset, List.of(rec("K1", "1"), rec("K2", "2")));
        InMemoryRunRepository runs = new InMemoryRunRepository();
        runs.put(Run.created(runId, "alice", dataset, "late.csv", "bucket", "uploads/alice/" + runId + "/late.csv",
                Run.RunSource.UPLOAD, RunStatus.PUBLISHING, 10, Map.of(), Instant.now()));
        List<String> told = new ArrayList<>();
        PublishRun publishRun = new PublishRun(runs, new InMemoryDatasetRepository(), publisher,
                published -> told.add(published.runId()));

        assertEquals(PublishRun.Outcome.DATASET_NOT_FOUND, publishRun.handle(runId));
        Run failed = runs.get(runId);
        assertEquals(RunStatus.FAILED, failed.status());
        assertEquals("DATASET_NOT_FOUND", failed.failureCode());
        assertEquals("File 'late.csv' was loaded but not published: its dataset '" + dataset + "' no longer exists "
                + "(it was deleted). Nothing was published; import the file into another dataset.",
                failed.failureMessage());
        assertEquals(Map.of(), currentRows(dataset), "nothing was published under the deleted dataset's id");
        assertEquals(List.of(), told, "no listener (checkpoint, delivery) was told");
        assertEquals(PublishRun.Outcome.IGNORED, publishRun.handle(runId), "a redelivered message does nothing");
    }

    private static Target upsert(String runId, String dataset) {
        return new Target(runId, dataset, DatasetKind.MARKETING, PublishStrategy.UPSERT,
                PublishSettings.MARKETING_KEY);
    }

    private static String run(String dataset, List<Rec> records) throws SQLException {
        String runId = UUID.randomUUID().toString();
        store(runId, dataset, 1, records);
        return runId;
    }

    /** Stores records numbered from {@code firstRecordNo} on, as loading one chunk of the run leaves them. */
    private static void store(String runId, String dataset, long firstRecordNo, List<Rec> records)
            throws SQLException {
        try (Connection connection = pool.borrow(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO records (run_id, record_no, line_no, dataset_id, date, campaign, channel, spend, clicks) "
                        + "VALUES (?, ?, ?, ?, ?::date, ?, ?, ?::numeric, ?)")) {
            long recordNo = firstRecordNo;
            for (Rec rec : records) {
                insert.setString(1, runId);
                insert.setLong(2, recordNo);
                insert.setLong(3, recordNo + 1);
                insert.setString(4, dataset);
                insert.setString(5, rec.date());
                insert.setString(6, rec.campaign());
                insert.setString(7, rec.channel());
                insert.setString(8, rec.spend());
                insert.setLong(9, rec.clicks());
                insert.addBatch();
                recordNo++;
            }
            insert.executeBatch();
        }
    }

    private static String rawRun(String dataset, List<String> objects) throws SQLException {
        String runId = UUID.randomUUID().toString();
        try (Connection connection = pool.borrow(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO raw_records (run_id, record_no, line_no, dataset_id, data) "
                        + "VALUES (?, ?, ?, ?, ?::jsonb)")) {
            long recordNo = 1;
            for (String object : objects) {
                insert.setString(1, runId);
                insert.setLong(2, recordNo);
                insert.setLong(3, recordNo + 1);
                insert.setString(4, dataset);
                insert.setString(5, object);
                insert.addBatch();
                recordNo++;
            }
            insert.executeBatch();
        }
        return runId;
    }

    /** Current rows by key: "runId:recordNo:spend" (spend as stored; empty for raw rows). */
    private static Map<String, String> currentRows(String dataset) throws SQLException {
        Map<String, String> rows = new TreeMap<>();
        try (Connection connection = pool.borrow(); PreparedStatement select = connection.prepareStatement(
                "SELECT row_key, run_id, record_no, coalesce(spend::text, '') FROM dataset_rows "
                        + "WHERE dataset_id = ? AND superseded_by IS NULL")) {
            select.setString(1, dataset);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.put(result.getString(1), result.getString(2) + ":" + result.getLong(3) + ":"
                            + result.getString(4));
                }
            }
        }
        return rows;
    }

    /** Campaigns of the rows an insert or upsert destination of the dataset is sent for the run, in record order. */
    private static List<List<String>> delivered(String dataset, String runId) {
        List<List<String>> rows = new ArrayList<>();
        new DestinationRows(pool).rowsOf(dataset, runId, List.of("campaign"), PublishedRows.Scope.CHANGED)
                .forEach(rows::add);
        return rows;
    }

    /** Campaign and spend of the rows a truncate-insert destination of the dataset is sent for the run. */
    private static List<List<String>> deliveredComplete(String dataset, String runId) {
        List<List<String>> rows = new ArrayList<>();
        new DestinationRows(pool).rowsOf(dataset, runId, List.of("campaign", "spend"), PublishedRows.Scope.COMPLETE)
                .forEach(rows::add);
        return rows;
    }

    private static String lastPublished(String dataset) throws SQLException {
        try (Connection connection = pool.borrow(); PreparedStatement select = connection.prepareStatement(
                "SELECT run_id FROM publish_ledger WHERE dataset_id = ? ORDER BY seq DESC LIMIT 1")) {
            select.setString(1, dataset);
            try (ResultSet result = select.executeQuery()) {
                result.next();
                return result.getString(1);
            }
        }
    }

    private static long count(String sql, String parameter) throws SQLException {
        try (Connection connection = pool.borrow(); PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, parameter);
            try (ResultSet result = select.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /**
     * Every rollup table equals a recomputation from the current rows, group by group (by value); and each coarse
     * group's sums are, as text, the sums of its per-campaign groups (so an answer read from either has the same
     * decimal scale).
     */
    private static void assertRollupsMatchRows(String dataset) throws SQLException {
        String recomputed = "SELECT date, channel, campaign, count(*), sum(coalesce(spend, 0)), "
                + "sum(coalesce(clicks, 0)), sum(coalesce(impressions, 0)), sum(coalesce(conversions, 0)) "
                + "FROM dataset_rows WHERE dataset_id = ? AND superseded_by IS NULL "
                + "GROUP BY date, channel, campaign ORDER BY 1, 2, 3";
        String kept = "SELECT day, channel, campaign, rows, spend, clicks, impressions, conversions "
                + "FROM dataset_rollups WHERE dataset_id = ? ORDER BY 1, 2, 3";
        assertEquals(groups(recomputed, dataset), groups(kept, dataset));

        String byDayAndChannel = "SELECT date, channel, '', count(*), sum(coalesce(spend, 0)), "
                + "sum(coalesce(clicks, 0)), sum(coalesce(impressions, 0)), sum(coalesce(conversions, 0)) "
                + "FROM dataset_rows WHERE dataset_id = ? AND superseded_by IS NULL GROUP BY 1, 2 ORDER BY 1, 2";
        String keptByDayAndChannel = "SELECT day, channel, '', rows, spend, clicks, impressions, conversions "
                + "FROM dataset_day_channel_rollups WHERE dataset_id = ? ORDER BY 1, 2";
        assertEquals(groups(byDayAndChannel, dataset), groups(keptByDayAndChannel, dataset));
        String byMonthAndCampaign = "SELECT to_char(date, 'YYYY-MM-01'), campaign, '', count(*), "
                + "sum(coalesce(spend, 0)), sum(coalesce(clicks, 0)), sum(coalesce(impressions, 0)), "
                + "sum(coalesce(conversions, 0)) FROM dataset_rows WHERE dataset_id = ? AND superseded_by IS NULL "
                + "GROUP BY 1, 2 ORDER BY 1, 2";
        String keptByMonthAndCampaign = "SELECT month::text, campaign, '', rows, spend, clicks, impressions, "
                + "conversions FROM dataset_month_campaign_rollups WHERE dataset_id = ? ORDER BY 1, 2";
        assertEquals(groups(byMonthAndCampaign, dataset), groups(keptByMonthAndCampaign, dataset));

        assertEquals(texts("SELECT day::text, channel, sum(spend)::text, sum(conversions)::text "
                + "FROM dataset_rollups WHERE dataset_id = ? GROUP BY 1, 2 ORDER BY 1, 2", dataset),
                texts("SELECT day::text, channel, spend::text, conversions::text FROM dataset_day_channel_rollups "
                        + "WHERE dataset_id = ? ORDER BY 1, 2", dataset), "day and channel sums, as text");
        assertEquals(texts("SELECT to_char(day, 'YYYY-MM-01'), campaign, sum(spend)::text, sum(conversions)::text "
                + "FROM dataset_rollups WHERE dataset_id = ? GROUP BY 1, 2 ORDER BY 1, 2", dataset),
                texts("SELECT month::text, campaign, spend::text, conversions::text "
                        + "FROM dataset_month_campaign_rollups WHERE dataset_id = ? ORDER BY 1, 2", dataset),
                "month and campaign sums, as text");
    }

    /** Rows of four text columns, joined by "/". */
    private static List<String> texts(String sql, String dataset) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = pool.borrow(); PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, dataset);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1) + "/" + result.getString(2) + "/" + result.getString(3) + "/"
                            + result.getString(4));
                }
            }
        }
        return rows;
    }

    private static List<String> groups(String sql, String dataset) throws SQLException {
        List<String> groups = new ArrayList<>();
        try (Connection connection = pool.borrow(); PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, dataset);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    groups.add(result.getString(1) + "/" + result.getString(2) + "/" + result.getString(3) + " rows="
                            + result.getLong(4) + " spend=" + result.getBigDecimal(5).stripTrailingZeros()
                            .toPlainString() + " clicks=" + result.getLong(6) + " impressions=" + result.getLong(7)
                            + " conversions=" + result.getBigDecimal(8).stripTrailingZeros().toPlainString());
                }
            }
        }
        return groups;
    }
}
