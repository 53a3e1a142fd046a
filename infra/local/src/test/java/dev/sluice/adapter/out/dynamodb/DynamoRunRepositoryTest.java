package dev.sluice.adapter.out.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.application.port.RunRepository;
import dev.sluice.domain.csv.ReadingDecisions;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.domain.dataset.PublishStrategy;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.run.PublishCounts;
import dev.sluice.domain.run.RollbackReport;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.Run.RunSource;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.local.emulator.MotoDynamoDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The conditional writes that carry the run-state guarantees, against the local runtime's DynamoDB emulator. */
class DynamoRunRepositoryTest {
    private static final ObjectVersion VERSION = new ObjectVersion("0123456789abcdef0123456789abcdef", null);
    private static MotoDynamoDb local;
    private static DynamoDbClient dynamo;
    private static DynamoRunRepository runs;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("sluice-dynamodb-");
        local = MotoDynamoDb.start(dir, dir.resolve("moto.log"));
        dynamo = DynamoDbClient.builder().endpointOverride(local.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        dynamo.createTable(b -> b.tableName("runs").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("pk"), attr("sk"), attr("gsi1pk"), attr("gsi1sk"), attr("gsi2pk"),
                        attr("gsi2sk"))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("RunsByOwner")
                        .keySchema(key("gsi1pk", KeyType.HASH), key("gsi1sk", KeyType.RANGE))
                        .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build(),
                        GlobalSecondaryIndex.builder().indexName("RunsByStatus")
                        .keySchema(key("gsi2pk", KeyType.HASH), key("gsi2sk", KeyType.RANGE))
                        .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build()));
        runs = new DynamoRunRepository(dynamo, "runs", Clock.systemUTC());
    }

    @AfterAll
    static void stop() throws Exception {
        dynamo.close();
        local.close();
    }

    @Test
    void aChunkCountedTwiceConcurrentlyIsCountedOnceAndTheRunFinishesOnce() throws Exception {
        String runId = newRun();
        assertEquals(RunStatus.SPLITTING, runs.startSplitting(runId, VERSION, 1000).orElseThrow().status(),
                "returns the run as updated");
        runs.recordSplitProgress(runId, 200, 2);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Boolean>> counted = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                int chunkNo = 1 + i % 2;
                Callable<Boolean> delivery = () -> {
                    start.await();
                    return runs.countChunk(runId, chunkNo, 90, 10, 500);
                };
                counted.add(pool.submit(delivery));
            }
            start.countDown();
            int times = 0;
            for (Future<Boolean> result : counted) {
                times += result.get() ? 1 : 0;
            }
            assertEquals(2, times, "each of the two chunks counted exactly once");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Optional.empty(), runs.finishIfComplete(runId), "still splitting: not final");
        assertTrue(runs.finishSplitting(runId, 200, 2));
        assertFalse(runs.finishSplitting(runId, 200, 2), "a second splitter cannot add the chunks again");
        assertEquals(Optional.of(RunStatus.PUBLISHING), runs.finishIfComplete(runId), "it stored records");
        assertEquals(Optional.empty(), runs.finishIfComplete(runId), "finishes once");
        assertTrue(runs.finishPublishing(runId, "append", PublishCounts.ZERO, Instant.now()));
        assertFalse(runs.finishPublishing(runId, "append", PublishCounts.ZERO, Instant.now()), "once");
        Run run = runs.find(runId).orElseThrow();
        assertEquals(180, run.stored());
        assertEquals(20, run.errors());
        assertEquals(200, run.records());
        assertEquals(2, run.chunksDone());
        assertEquals(1000, run.bytesDone(), "bytes counted once per chunk");
        assertEquals(1000, run.bytesTotal());
        assertEquals(RunStatus.PARTIAL, run.status());
    }

    @Test
    void aDeadChunkIsCountedOnceAndNamedOnTheRun() {
        String runId = newRun();
        runs.startSplitting(runId, VERSION, 100);
        runs.finishSplitting(runId, 150, 2);
        assertTrue(runs.countChunk(runId, 1, 100, 0, 60));
        runs.recordChunkFailure(runId, 2, "IllegalStateException: boom");
        runs.recordChunkFailure(runId, 2, "IllegalStateException: boom again");
        assertEquals("IllegalStateException: boom again (after 2 attempts)",
                runs.lastChunkFailure(runId, 2).orElseThrow());
        Run.DeadChunk dead = new Run.DeadChunk(2, 101, 50, "boom");
        assertTrue(runs.countDeadChunk(runId, dead, 40));
        assertFalse(runs.countDeadChunk(runId, dead, 40));
        assertFalse(runs.countChunk(runId, 2, 50, 0, 40), "a dead chunk cannot be counted as loaded too");
        assertEquals(Optional.of(RunStatus.PUBLISHING), runs.finishIfComplete(runId));
        assertEquals(RunStatus.PARTIAL, runs.find(runId).orElseThrow().publication().outcome());
        Run run = runs.find(runId).orElseThrow();
        assertEquals(List.of(dead), run.deadChunks());
        assertEquals(100, run.stored());
        assertEquals(50, run.errors());
        assertEquals(1, run.chunksDead());
    }

    @Test
    void aCleanRunSucceedsAndAFinalRunCannotFailOrSplitAgain() {
        String runId = newRun();
        runs.startSplitting(runId, VERSION, 10);
        runs.recordSplitProgress(runId, 10, 1);
        runs.recordSplitProgress(runId, 5, 1);
        assertEquals(10, runs.find(runId).orElseThrow().records(), "progress never moves backwards");
        runs.finishSplitting(runId, 10, 1);
        runs.countChunk(runId, 1, 10, 0, 10);
        assertEquals(Optional.of(RunStatus.PUBLISHING), runs.finishIfComplete(runId));
        assertTrue(runs.finishPublishing(runId, "append", new PublishCounts(10, 0, 0, 0, 0), Instant.now()));
        assertFalse(runs.fail(runId, "X", "late failure"));
        assertFalse(runs.startSplitting(runId, VERSION, 10).isPresent(),
                "a repeated S3 event does not split a finished run");
        assertEquals(RunStatus.SUCCEEDED, runs.find(runId).orElseThrow().status());
    }

    @Test
    void aRunWithNothingStoredFinishesAtOnceAndAReviewedRunIsPublishedDiscardedOrRolledBackOnce() {
        String empty = newRun();
        runs.startSplitting(empty, VERSION, 10);
        runs.finishSplitting(empty, 2, 1);
        runs.countChunk(empty, 1, 0, 2, 10);
        assertEquals(Optional.of(RunStatus.PARTIAL), runs.finishIfComplete(empty), "nothing to publish");

        DynamoRunRepository reviewing = new DynamoRunRepository(dynamo, "runs", Clock.systemUTC(),
                datasetId -> new PublishSettings(PublishStrategy.UPSERT, PublishSettings.MARKETING_KEY, true));
        List<String> reviewed = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String runId = newRun();
            reviewing.startSplitting(runId, VERSION, 10);
            reviewing.finishSplitting(runId, 10, 1);
            reviewing.countChunk(runId, 1, 10, 0, 10);
            assertEquals(Optional.of(RunStatus.REVIEW), reviewing.finishIfComplete(runId));
            assertTrue(reviewing.recordReview(runId, "upsert", new PublishCounts(7, 3, 0, 0, 0)));
            reviewed.add(runId);
        }
        String published = reviewed.get(0);
        assertEquals(new PublishCounts(7, 3, 0, 0, 0), runs.find(published).orElseThrow().publication().counts());
        assertFalse(runs.finishPublishing(published, "upsert", PublishCounts.ZERO, Instant.now()),
                "not before a person publishes it");
        assertTrue(runs.startPublishing(published));
        assertFalse(runs.startPublishing(published));
        assertFalse(runs.discard(published, "too late"));
        assertEquals(1, runs.publishingBefore(Instant.now().plusSeconds(60), 1000).stream()
                .filter(r -> r.runId().equals(published)).count());
        assertTrue(runs.finishPublishing(published, "upsert", new PublishCounts(7, 3, 0, 0, 0), Instant.now()));
        Run done = runs.find(published).orElseThrow();
        assertEquals(RunStatus.SUCCEEDED, done.status());
        assertEquals("published", done.publication().state(done.status(), done.failureCode()));
        RollbackReport rollback = new RollbackReport(7, 3, List.of(new RollbackReport.KeyConflict("[1]", "x")));
        assertTrue(runs.markRolledBack(published, rollback, Instant.now()));
        assertFalse(runs.markRolledBack(published, rollback, Instant.now()), "once");
        assertEquals(rollback, runs.find(published).orElseThrow().publication().rollback());

        String discarded = reviewed.get(1);
        assertTrue(runs.discard(discarded, "not wanted"));
        assertFalse(runs.startPublishing(discarded));
        assertFalse(runs.markRolledBack(discarded, rollback, Instant.now()), "never published");
        Run cancelled = runs.find(discarded).orElseThrow();
        assertEquals(RunStatus.CANCELLED, cancelled.status());
        assertEquals("discarded", cancelled.publication().state(cancelled.status(), cancelled.failureCode()));
    }

    @Test
    void aRunIsCreatedOnceAndListedForItsOwner() {
        String owner = "owner-" + UUID.randomUUID();
        Run run = Run.created(UUID.randomUUID().toString(), owner, "default", "f.csv", "b", "k", RunSource.DROP,
                RunStatus.RECEIVED, 10, Map.of("spend", "Cost"), Clock.systemUTC().instant());
        assertTrue(runs.create(run));
        assertFalse(runs.create(run));
        List<Run> listed = runs.listByOwner(owner, 10);
        assertEquals(1, listed.size());
        assertEquals(Map.of("spend", "Cost"), listed.get(0).requestedMapping());
        assertTrue(runs.fail(run.runId(), "MISSING_COLUMNS", "no channel column"));
        assertEquals("MISSING_COLUMNS", runs.find(run.runId()).orElseThrow().failureCode());
    }

    @Test
    void theAdministratorsListHoldsEveryOwnersRunsWhateverTheirStatusNewestChangeFirst() {
        Instant now = Clock.systemUTC().instant().minusSeconds(10);
        Run older = Run.created(UUID.randomUUID().toString(), "owner-" + UUID.randomUUID(), "default", "a.csv", "b",
                "k", RunSource.UPLOAD, RunStatus.CREATED, 10, Map.of(), now);
        Run newer = Run.created(UUID.randomUUID().toString(), "owner-" + UUID.randomUUID(), "default", "b.csv", "b",
                "k", RunSource.DROP, RunStatus.RECEIVED, 10, Map.of(), now.plusSeconds(1));
        assertTrue(runs.create(older));
        assertTrue(runs.create(newer));
        assertTrue(runs.fail(newer.runId(), "MISSING_COLUMNS", "no channel column"));
        List<String> ids = runs.listRecent(1000).stream().map(Run::runId).toList();
        assertTrue(ids.contains(older.runId()) && ids.contains(newer.runId()), ids::toString);
        List<Run> two = runs.listRecent(1000).stream()
                .filter(r -> r.runId().equals(older.runId()) || r.runId().equals(newer.runId())).toList();
        assertEquals(RunStatus.FAILED, two.get(0).status(), "the failed run changed last and comes first");
    }

    @Test
    void aRerunKeepsTheRunItReimportsAndItsReadingSettingsThroughEveryUpdate() {
        String runId = UUID.randomUUID().toString();
        ReadingSettings settings = new ReadingSettings("windows-1252", "\t", 4, ReadingSettings.DateOrder.DMY,
                ReadingSettings.DecimalStyle.COMMA);
        runs.create(Run.created(runId, "local", "default", "f.csv", "b", "uploads/local/" + runId + "/f.csv",
                RunSource.UPLOAD, RunStatus.CREATED, 100, Map.of(), Clock.systemUTC().instant())
                .withRerun(new Run.Rerun("old-run", settings)));
        runs.startSplitting(runId, VERSION, 100);

        Run found = runs.find(runId).orElseThrow();
        assertEquals(new Run.Rerun("old-run", settings), found.rerun());
        assertEquals("old-run", found.rerunOf());
        assertEquals(Run.Rerun.NONE, runs.find(newRun()).orElseThrow().rerun(), "a first import");
    }

    @Test
    void aCountThatCompletesTheRunFinishesItFromItsOwnAnswerAndOnlyARedeliveryReadsTheRun() throws Exception {
        ReadCounter reads = new ReadCounter();
        try (DynamoDbClient counted = countingClient(reads)) {
            DynamoRunRepository counting = new DynamoRunRepository(counted, "runs", Clock.systemUTC());
            String runId = newRun();
            counting.startSplitting(runId, VERSION, 1000);
            counting.recordSplitProgress(runId, 200, 2);
            assertTrue(counting.finishSplitting(runId, 200, 2));
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<RunRepository.Counted>> deliveries = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    int chunkNo = 1 + i % 2;
                    Callable<RunRepository.Counted> delivery = () -> {
                        start.await();
                        return counting.countChunkAndFinish(runId, chunkNo, 90, 10, 500);
                    };
                    deliveries.add(pool.submit(delivery));
                }
                start.countDown();
                int countedNow = 0;
                List<RunStatus> finished = new ArrayList<>();
                for (Future<RunRepository.Counted> delivery : deliveries) {
                    countedNow += delivery.get().countedNow() ? 1 : 0;
                    delivery.get().finished().ifPresent(finished::add);
                }
                assertEquals(2, countedNow, "each chunk counted once");
                assertEquals(List.of(RunStatus.PUBLISHING), finished, "the run moved on exactly once");
            } finally {
                pool.shutdownNow();
            }
            assertEquals(6, reads.getItems(), "only the 6 deliveries that counted nothing read the run");

            Run publishing = counting.find(runId).orElseThrow();
            reads.reset();
            assertTrue(counting.finishPublishing(publishing, "append", PublishCounts.ZERO, Instant.now()));
            assertFalse(counting.finishPublishing(publishing, "append", PublishCounts.ZERO, Instant.now()), "once");
            assertEquals(1, reads.getItems(), "the outcome came from the run in hand; only the repeat read it");
            assertEquals(RunStatus.PARTIAL, counting.find(runId).orElseThrow().status());
        }
    }

    @Test
    void aSplitThatEndsAfterItsLastChunkWasCountedFinishesTheRunWithoutReadingIt() {
        ReadCounter reads = new ReadCounter();
        try (DynamoDbClient counted = countingClient(reads)) {
            DynamoRunRepository counting = new DynamoRunRepository(counted, "runs", Clock.systemUTC());
            String runId = newRun();
            counting.startSplitting(runId, VERSION, 10);
            counting.recordSplitProgress(runId, 10, 1);
            RunRepository.Counted early = counting.countChunkAndFinish(runId, 1, 10, 0, 10);
            assertTrue(early.countedNow());
            assertEquals(Optional.empty(), early.finished(), "still splitting");
            assertEquals(Optional.of(RunStatus.PUBLISHING), counting.finishSplittingAndComplete(runId, 10, 1));
            assertEquals(Optional.empty(), counting.finishSplittingAndComplete(runId, 10, 1), "once");
            assertEquals(0, reads.getItems());
        }
    }

    @Test
    void publishingFromAStaleReadTakesTheOutcomeTheStoredRunHasNow() {
        String runId = newRun();
        runs.startSplitting(runId, VERSION, 10);
        runs.finishSplitting(runId, 10, 1);
        runs.countChunk(runId, 1, 9, 1, 10);
        assertEquals(Optional.of(RunStatus.PUBLISHING), runs.finishIfComplete(runId));
        Run stale = runs.find(runId).orElseThrow();
        assertEquals(RunStatus.PARTIAL, stale.publication().outcome());
        // As if the run had been redriven and its outcome changed after this copy was read.
        dynamo.updateItem(b -> b.tableName("runs").key(DynamoRunRepository.runKey(runId))
                .updateExpression("SET publishOutcome = :succeeded")
                .expressionAttributeValues(Map.of(":succeeded", AttributeValue.fromS("SUCCEEDED"))));
        assertTrue(runs.finishPublishing(stale, "append", PublishCounts.ZERO, Instant.now()));
        assertEquals(RunStatus.SUCCEEDED, runs.find(runId).orElseThrow().status());
    }

    @Test
    void theFirstProgressOfASmallFileCarriesItsFactsAndHashAndARetriedSplitCannotMoveItBack() {
        String runId = newRun();
        runs.startSplitting(runId, VERSION, 100);
        Run.FileFacts facts = new Run.FileFacts("UTF-8", ";", "1.234,5", Map.of("spend", "Kosten"),
                List.of("date", "Kosten"));
        String sha = "ab".repeat(32);
        runs.recordSplitProgress(runId, 40, 4, Optional.of(facts), Optional.of(sha));
        Run run = runs.find(runId).orElseThrow();
        assertEquals(facts, run.fileFacts());
        assertEquals(sha, run.upload().sha256());
        assertEquals(40, run.records());
        runs.recordSplitProgress(runId, 20, 2, Optional.empty(), Optional.of("cd".repeat(32)));
        Run after = runs.find(runId).orElseThrow();
        assertEquals(40, after.records(), "progress never moves backwards");
        assertEquals(sha, after.upload().sha256(), "nor does what came with it");
        assertEquals(facts, after.fileFacts());
    }

    @Test
    void aRunFinishesByThePublishSettingsItsSplitReadAndARedriveReadsTheDatasetAgain() {
        AtomicInteger datasetReads = new AtomicInteger();
        PublishSettings now = new PublishSettings(PublishStrategy.APPEND, PublishSettings.MARKETING_KEY, false);
        DynamoRunRepository finishing = new DynamoRunRepository(dynamo, "runs", Clock.systemUTC(), datasetId -> {
            datasetReads.incrementAndGet();
            return now;
        });
        PublishSettings asSplit = new PublishSettings(PublishStrategy.UPSERT, PublishSettings.MARKETING_KEY, true);
        String runId = newRun();
        finishing.startSplitting(runId, VERSION, 10);
        assertEquals(Optional.empty(), finishing.finishSplittingAndComplete(runId, 10, 2, asSplit),
                "chunks are still loading");
        finishing.countChunk(runId, 1, 5, 0, 5);
        Run.DeadChunk dead = new Run.DeadChunk(2, 6, 5, "poison");
        RunRepository.Counted last = finishing.countDeadChunkAndFinish(runId, dead, 5);
        assertEquals(Optional.of(RunStatus.REVIEW), last.finished(), "review, as the dataset said at the split");
        assertEquals("upsert", finishing.find(runId).orElseThrow().publication().strategy());
        assertEquals(0, datasetReads.get(), "finishing read no dataset");

        assertTrue(finishing.startPublishing(runId));
        assertTrue(finishing.finishPublishing(runId, "upsert", PublishCounts.ZERO, Instant.now()));
        assertEquals(RunStatus.PARTIAL, finishing.find(runId).orElseThrow().status());
        assertTrue(finishing.reopenDeadChunks(runId, List.of(dead), 5), "a redrive of the dead chunk");
        finishing.countChunk(runId, 2, 5, 0, 5);
        assertEquals(Optional.of(RunStatus.PUBLISHING), finishing.finishIfComplete(runId),
                "a redrive finishes by the dataset as it is now: no review any more");
        assertEquals(1, datasetReads.get());
    }

    @Test
    void aSplitThatEndsBeforeItsChunksGoOutRecordsItsTotalsFactsHashAndSettingsInOneWrite() {
        ReadCounter calls = new ReadCounter();
        try (DynamoDbClient counted = countingClient(calls)) {
            DynamoRunRepository counting = new DynamoRunRepository(counted, "runs", Clock.systemUTC());
            String runId = newRun();
            counting.startSplitting(runId, VERSION, 100);
            Run.FileFacts facts = new Run.FileFacts("UTF-8", ",", "US", Map.of("spend", "Cost"),
                    List.of("Date", "Cost"));
            String sha = "ef".repeat(32);
            PublishSettings review = new PublishSettings(PublishStrategy.REPLACE, List.of(), true);
            calls.reset();
            assertEquals(Optional.empty(), counting.finishSplittingAndComplete(runId, new RunRepository.SplitEnd(30,
                    3, Optional.of(review), Optional.of(facts), Optional.of(sha))), "its chunks are still to load");
            assertEquals(1, calls.updateItems());
            Run run = counting.find(runId).orElseThrow();
            assertEquals(RunStatus.LOADING, run.status());
            assertEquals(30, run.records());
            assertEquals(3, run.chunksPlanned(), "a loader finds every chunk planned");
            assertEquals(facts, run.fileFacts());
            assertEquals(sha, run.upload().sha256());
            assertEquals(Optional.of(new RunRepository.PublishAsSplit(true, "replace")),
                    counting.findWithPlan(runId, 1).publishAsSplit());
            assertEquals(Optional.empty(), counting.finishSplittingAndComplete(runId, new RunRepository.SplitEnd(30,
                    3, Optional.empty(), Optional.empty(), Optional.of("00".repeat(32)))));
            assertEquals(sha, counting.find(runId).orElseThrow().upload().sha256(), "a second end changes nothing");
        }
    }

    @Test
    void theLoaderOfTheLastOutstandingChunkCountsItAndFinishesTheRunInOneWrite() {
        ReadCounter calls = new ReadCounter();
        try (DynamoDbClient counted = countingClient(calls)) {
            DynamoRunRepository counting = new DynamoRunRepository(counted, "runs", Clock.systemUTC(), datasetId -> {
                throw new AssertionError("no dataset is read: the split left its settings");
            });
            String runId = newRun();
            counting.startSplitting(runId, VERSION, 10);
            PublishSettings append = new PublishSettings(PublishStrategy.APPEND, PublishSettings.MARKETING_KEY, false);
            counting.finishSplittingAndComplete(runId, new RunRepository.SplitEnd(10, 2, Optional.of(append),
                    Optional.empty(), Optional.empty()));
            RunRepository.RunAndPlan twoOutstanding = counting.findWithPlan(runId, 1);
            calls.reset();
            RunRepository.Counted first = counting.countChunkAndFinish(twoOutstanding, runId, 1, 5, 0, 5);
            assertEquals(new RunRepository.Counted(true, Optional.empty()), first);
            assertEquals(1, calls.updateItems(), "counted alone; the run is not complete");

            RunRepository.RunAndPlan lastOutstanding = counting.findWithPlan(runId, 2);
            calls.reset();
            RunRepository.Counted last = counting.countChunkAndFinish(lastOutstanding, runId, 2, 4, 1, 5);
            assertEquals(new RunRepository.Counted(true, Optional.of(RunStatus.PUBLISHING)), last);
            assertEquals(1, calls.updateItems(), "count and finish in one write");
            assertEquals(0, calls.getItems());
            Run run = counting.find(runId).orElseThrow();
            assertEquals(RunStatus.PUBLISHING, run.status());
            assertEquals(9, run.stored());
            assertEquals(1, run.errors());
            assertEquals(2, run.chunksDone());
            assertEquals(RunStatus.PARTIAL, run.publication().outcome(), "a rejected record: partial once published");
            assertEquals("append", run.publication().strategy());
            assertEquals("STATUS#PUBLISHING", dynamo.getItem(b -> b.tableName("runs")
                    .key(DynamoRunRepository.runKey(runId))).item().get("gsi2pk").s(), "indexed by its new status");

            RunRepository.Counted redelivery = counting.countChunkAndFinish(lastOutstanding, runId, 2, 4, 1, 5);
            assertEquals(new RunRepository.Counted(false, Optional.empty()), redelivery,
                    "a repeat with the same read counts nothing and moves nothing");
            assertEquals(9, counting.find(runId).orElseThrow().stored());
        }
    }

    @Test
    void aLastChunkWhoseRunLeftNoSettingsOrStoresNothingFinishesItAsBefore() {
        AtomicInteger datasetReads = new AtomicInteger();
        DynamoRunRepository finishing = new DynamoRunRepository(dynamo, "runs", Clock.systemUTC(), datasetId -> {
            datasetReads.incrementAndGet();
            return new PublishSettings(PublishStrategy.APPEND, PublishSettings.MARKETING_KEY, true);
        });
        String withoutSettings = newRun();
        finishing.startSplitting(withoutSettings, VERSION, 10);
        finishing.finishSplitting(withoutSettings, 10, 1);
        RunRepository.Counted reviewed = finishing.countChunkAndFinish(finishing.findWithPlan(withoutSettings, 1),
                withoutSettings, 1, 10, 0, 10);
        assertEquals(new RunRepository.Counted(true, Optional.of(RunStatus.REVIEW)), reviewed,
                "by its dataset as it is now");
        assertEquals(1, datasetReads.get());

        String allRejected = newRun();
        finishing.startSplitting(allRejected, VERSION, 10);
        finishing.finishSplittingAndComplete(allRejected, new RunRepository.SplitEnd(3, 1, Optional.of(
                new PublishSettings(PublishStrategy.APPEND, List.of(), false)), Optional.empty(), Optional.empty()));
        RunRepository.Counted partial = finishing.countChunkAndFinish(finishing.findWithPlan(allRejected, 1),
                allRejected, 1, 0, 3, 10);
        assertEquals(new RunRepository.Counted(true, Optional.of(RunStatus.PARTIAL)), partial,
                "nothing stored: its outcome at once");
        Run run = finishing.find(allRejected).orElseThrow();
        assertEquals(RunStatus.PARTIAL, run.status());
        assertNotNull(run.finishedAt());
        assertEquals(1, datasetReads.get(), "no dataset read for it");
    }

    @Test
    void fileFactsAreStoredAsOneJsonStringAndReadBackWhole() {
        String runId = newRun();
        ReadingDecisions decisions = new ReadingDecisions("detected", "given", 3, true, 2,
                List.of("Report: \"spend\"", "Account; 42"),
                List.of(new ReadingDecisions.Column("Kosten", "spend", "decimal", null, "comma", ".", "€", "values"),
                        new ReadingDecisions.Column("Datum", "date", "date", "dmy", null, null, null, "default")));
        Run.FileFacts facts = new Run.FileFacts("windows-1252", ";", "1.234,5",
                Map.of("spend", "Kosten", "date", "Datum"), List.of("Datum", "Kosten", "Ünïcode ✓"), "saved",
                decisions);
        runs.recordFileFacts(runId, facts);
        AttributeValue stored = dynamo.getItem(b -> b.tableName("runs").key(DynamoRunRepository.runKey(runId)))
                .item().get("fileFacts");
        assertNotNull(stored.s(), "one string attribute, not a nested map: " + stored);
        assertEquals(facts, runs.find(runId).orElseThrow().fileFacts());
        Run.FileFacts bare = new Run.FileFacts("UTF-8", ",", null, Map.of(), List.of());
        runs.recordFileFacts(runId, bare);
        assertEquals(bare, runs.find(runId).orElseThrow().fileFacts(), "absent parts stay absent");
    }

    @Test
    void fileFactsWrittenAsANestedMapBeforeStillRead() {
        String runId = newRun();
        AttributeValue legacy = AttributeValue.fromM(Map.of(
                "encoding", AttributeValue.fromS("UTF-8"), "delimiter", AttributeValue.fromS(","),
                "numberStyle", AttributeValue.fromS("US"),
                "mapping", AttributeValue.fromM(Map.of("spend", AttributeValue.fromS("Cost"))),
                "header", AttributeValue.fromL(List.of(AttributeValue.fromS("Date"), AttributeValue.fromS("Cost"))),
                "mappingSource", AttributeValue.fromS("suggested"),
                "decisions", AttributeValue.fromM(Map.of("encodingFrom", AttributeValue.fromS("detected"),
                        "delimiterFrom", AttributeValue.fromS("detected"), "headerLine", AttributeValue.fromN("1"),
                        "sepLine", AttributeValue.fromBool(false), "preambleRecords", AttributeValue.fromN("0"),
                        "preamble", AttributeValue.fromL(List.of()),
                        "columns", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of(
                                "column", AttributeValue.fromS("Cost"), "field", AttributeValue.fromS("spend"),
                                "type", AttributeValue.fromS("decimal")))))))));
        dynamo.updateItem(b -> b.tableName("runs").key(DynamoRunRepository.runKey(runId))
                .updateExpression("SET fileFacts = :facts")
                .expressionAttributeValues(Map.of(":facts", legacy)));
        Run.FileFacts read = runs.find(runId).orElseThrow().fileFacts();
        assertEquals(new Run.FileFacts("UTF-8", ",", "US", Map.of("spend", "Cost"), List.of("Date", "Cost"),
                "suggested", new ReadingDecisions("detected", "detected", 1, false, 0, List.of(),
                        List.of(new ReadingDecisions.Column("Cost", "spend", "decimal", null, null, null, null,
                                null)))), read);
    }

    /** Counts the GetItem and UpdateItem calls a client makes. */
    private static final class ReadCounter implements ExecutionInterceptor {
        private final AtomicInteger getItems = new AtomicInteger();
        private final AtomicInteger updateItems = new AtomicInteger();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof GetItemRequest) {
                getItems.incrementAndGet();
            } else if (context.request() instanceof UpdateItemRequest) {
                updateItems.incrementAndGet();
            }
        }

        int getItems() {
            return getItems.get();
        }

        int updateItems() {
            return updateItems.get();
        }

        void reset() {
            getItems.set(0);
            updateItems.set(0);
        }
    }

    private static DynamoDbClient countingClient(ReadCounter reads) {
        return DynamoDbClient.builder().endpointOverride(local.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(c -> c.addExecutionInterceptor(reads))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static String newRun() {
        String runId = UUID.randomUUID().toString();
        runs.create(Run.created(runId, "local", "default", "f.csv", "b", "uploads/local/" + runId + "/f.csv",
                RunSource.UPLOAD, RunStatus.CREATED, 100, Map.of(), Clock.systemUTC().instant()));
        return runId;
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
