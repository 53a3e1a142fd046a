package dev.sluice.adapter.out.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.Mapping;
import java.time.Duration;
import java.util.Set;
import dev.sluice.domain.run.PublishCounts;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The runs table's side of resume, redrive, cancel and the reconciler, against the DynamoDB emulator. */
class DynamoRecoveryRepositoryTest {
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
    void thePlanKeepsEveryMessageAsSentAndTheCountedChunksAreKnown() {
        String runId = loadingRun(3);
        List<ChunkMessage> planned = runs.plannedMessages(runId);
        assertEquals(List.of(chunk(runId, 1), chunk(runId, 2), chunk(runId, 3)), planned);
        assertEquals(Set.of(), runs.countedChunks(runId));
        assertTrue(runs.countChunk(runId, 2, 10, 0, 100));
        assertEquals(Set.of(2), runs.countedChunks(runId));
    }

    @Test
    void aPartialRunIsReopenedOnceWithItsDeadChunksUncounted() {
        String runId = loadingRun(2);
        assertTrue(runs.countChunk(runId, 1, 10, 0, 150));
        Run.DeadChunk dead = new Run.DeadChunk(2, 11, 10, "poisoned");
        assertTrue(runs.countDeadChunk(runId, dead, 100));
        assertEquals(Optional.of(RunStatus.PUBLISHING), runs.finishIfComplete(runId));
        assertTrue(runs.finishPublishing(runId, "append", PublishCounts.ZERO, Instant.now()));
        assertEquals(RunStatus.PARTIAL, runs.find(runId).orElseThrow().status());

        assertFalse(runs.reopenDeadChunks(runId, List.of(), 0), "not with another number of dead chunks");
        assertTrue(runs.reopenDeadChunks(runId, List.of(dead), 100));
        assertFalse(runs.reopenDeadChunks(runId, List.of(dead), 100), "once");

        Run reopened = runs.find(runId).orElseThrow();
        assertEquals(RunStatus.LOADING, reopened.status());
        assertEquals(0, reopened.errors());
        assertEquals(0, reopened.chunksDead());
        assertEquals(List.of(), reopened.deadChunks());
        assertEquals(150, reopened.bytesDone());
        assertEquals(Set.of(1), runs.countedChunks(runId));
        assertTrue(runs.countChunk(runId, 2, 10, 0, 100), "counted again, once");
        assertEquals(Optional.of(RunStatus.PUBLISHING), runs.finishIfComplete(runId));
        assertTrue(runs.finishPublishing(runId, "append", PublishCounts.ZERO, Instant.now()));
        assertEquals(RunStatus.SUCCEEDED, runs.find(runId).orElseThrow().status());
        assertEquals(250, runs.find(runId).orElseThrow().bytesDone());
    }

    @Test
    void aCancelledRunStillCountsAChunkThatWasMidLoadButNeverMovesAgain() {
        String runId = loadingRun(2);
        assertTrue(runs.cancel(runId, "CANCELLED", "cancelled by its owner"));
        assertFalse(runs.cancel(runId, "CANCELLED", "again"));
        assertTrue(runs.countChunk(runId, 1, 10, 0, 150), "its rows were committed before the cancel");
        assertFalse(runs.countChunk(runId, 1, 10, 0, 150));
        assertEquals(Optional.empty(), runs.finishIfComplete(runId));
        Run run = runs.find(runId).orElseThrow();
        assertEquals(RunStatus.CANCELLED, run.status());
        assertEquals(10, run.stored());
        assertEquals("CANCELLED", run.failureCode());
    }

    @Test
    void aRunBeingPublishedIsNotCancelled() {
        String runId = loadingRun(1);
        runs.countChunkAndFinish(runId, 1, 10, 0, 150);
        assertEquals(RunStatus.PUBLISHING, runs.find(runId).orElseThrow().status(), "it stored records: published");
        assertFalse(runs.cancel(runId, "CANCELLED", "cancelled by its owner"),
                "its publish transaction may be committing");
        assertEquals(RunStatus.PUBLISHING, runs.find(runId).orElseThrow().status());
        assertTrue(runs.finishPublishing(runId, "append", new PublishCounts(10, 0, 0, 0, 0), Instant.now()));
        assertEquals(RunStatus.SUCCEEDED, runs.find(runId).orElseThrow().status());
    }

    @Test
    void runsWaitingForTheirFileAndAnOwnersRecentRunsAreFound() {
        String waiting = newRun();
        String started = loadingRun(1);
        Instant later = Instant.now().plus(Duration.ofMinutes(1));
        List<String> found = runs.waitingForFile(later, 1000).stream().map(Run::runId).toList();
        assertTrue(found.contains(waiting), found::toString);
        assertFalse(found.contains(started), found::toString);
        assertEquals(List.of(), runs.waitingForFile(Instant.now().minus(Duration.ofMinutes(5)), 1000).stream()
                .filter(r -> r.runId().equals(waiting)).toList());
        String owner = "recovery-owner-" + UUID.randomUUID();
        String mine = UUID.randomUUID().toString();
        runs.create(Run.created(mine, owner, "default", "f.csv", "b", "drop/x/f.csv", RunSource.DROP,
                RunStatus.RECEIVED, 100, Map.of(), Instant.now()));
        assertEquals(List.of(mine), runs.createdSince(owner, Instant.now().minus(Duration.ofMinutes(1)), 10)
                .stream().map(Run::runId).toList());
        assertEquals(List.of(), runs.createdSince(owner, Instant.now().plus(Duration.ofMinutes(1)), 10));
    }

    private static String loadingRun(int chunks) {
        String runId = newRun();
        runs.startSplitting(runId, VERSION, 1000).orElseThrow();
        List<ChunkMessage> planned = new ArrayList<>();
        for (int i = 1; i <= chunks; i++) {
            planned.add(chunk(runId, i));
        }
        runs.recordPlannedChunks(runId, planned);
        runs.recordSplitProgress(runId, 10L * chunks, chunks);
        assertTrue(runs.finishSplitting(runId, 10L * chunks, chunks));
        return runId;
    }

    private static ChunkMessage chunk(String runId, int chunkNo) {
        Dialect dialect = new Dialect("UTF-8", 0, ',', '"', List.of("Date", "Campaign", "Channel"));
        Mapping mapping = new Mapping(Map.of(CanonicalField.DATE, "Date", CanonicalField.CAMPAIGN, "Campaign",
                CanonicalField.CHANNEL, "Channel"));
        return new ChunkMessage(runId, "default", chunkNo, "b", "uploads/local/" + runId + "/f.csv",
                100L * chunkNo, 100L * chunkNo + 100, 10L * chunkNo - 9, 10, 10L * chunkNo - 8, dialect, mapping,
                NumberStyle.values()[0], VERSION.eTag(), null);
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
