package dev.sluice.adapter.out.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.port.DatasetRuns;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetIds;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.DatasetLimits;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.dataset.SavedMapping;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.local.emulator.MotoDynamoDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

/**
 * The Datasets table and the runs-by-dataset index against the local runtime's DynamoDB emulator: conditional
 * creation (the default dataset once, however concurrent), conditional updates, and a dataset's runs paged and
 * deleted.
 */
class DynamoDatasetRepositoryTest {
    private static final Instant T0 = Instant.parse("2026-12-02T06:00:00Z");
    private static MotoDynamoDb local;
    private static DynamoDbClient dynamo;
    private static DynamoDatasetRepository datasets;
    private static DynamoRunRepository runs;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("sluice-datasets-");
        local = MotoDynamoDb.start(dir, dir.resolve("moto.log"));
        dynamo = DynamoDbClient.builder().endpointOverride(local.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        dynamo.createTable(b -> b.tableName("datasets").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("id"), attr("owner"), attr("createdKey"))
                .keySchema(key("id", KeyType.HASH))
                .globalSecondaryIndexes(index("DatasetsByOwner", "owner", "createdKey")));
        dynamo.createTable(b -> b.tableName("runs").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("pk"), attr("sk"), attr("gsi4pk"), attr("gsi4sk"))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .globalSecondaryIndexes(index("RunsByDataset", "gsi4pk", "gsi4sk")));
        datasets = new DynamoDatasetRepository(dynamo, "datasets");
        runs = new DynamoRunRepository(dynamo, "runs", Clock.systemUTC());
    }

    @AfterAll
    static void stop() throws Exception {
        dynamo.close();
        local.close();
    }

    @Test
    void aDatasetIsStoredWithEverySettingAndCreatedOnlyOnce() {
        String owner = unique("owner");
        Dataset dataset = new Dataset(DatasetIds.newId(), "Spring ads", owner, DatasetKind.RAW,
                new SavedMapping(List.of("Day", "Cost"), Map.of("date", "Day", "spend", "Cost")),
                new ReadingSettings("windows-1252", "\t", 3, ReadingSettings.DateOrder.DMY,
                        ReadingSettings.DecimalStyle.COMMA),
                new DatasetLimits(1000L, 20, null, 500L), false, T0, T0);
        assertTrue(datasets.create(dataset));
        assertEquals(Optional.of(dataset), datasets.find(dataset.id()));
        Dataset other = new Dataset(dataset.id(), "Taken", unique("owner"), DatasetKind.MARKETING, null, null, null,
                false, T0, T0);
        assertFalse(datasets.create(other), "the id is taken");
        assertEquals(Optional.of(dataset), datasets.find(dataset.id()), "unchanged");
        assertEquals(Optional.empty(), datasets.find("ds_nothing"));
    }

    @Test
    void theMappingComesBackInTheCanonicalFieldsOrder() {
        String id = DatasetIds.newId();
        datasets.create(new Dataset(id, "Ads", unique("owner"), DatasetKind.MARKETING, null, null, null, false, T0,
                T0));
        Map<String, String> columns = new java.util.LinkedHashMap<>();
        columns.put("spend", "Kosten");
        columns.put("channel", "Kanal");
        columns.put("date", "Tag");
        assertTrue(datasets.saveMapping(id, new SavedMapping(List.of("Tag", "Kanal", "Kosten"), columns),
                T0.plusSeconds(5)));
        Dataset saved = datasets.find(id).orElseThrow();
        assertEquals(List.of("date", "channel", "spend"), List.copyOf(saved.mapping().columns().keySet()));
        assertEquals(List.of("Tag", "Kanal", "Kosten"), saved.mapping().header());
        assertEquals(T0.plusSeconds(5), saved.updatedAt());
        assertFalse(datasets.saveMapping("ds_gone", saved.mapping(), T0), "never creates a dataset");
    }

    @Test
    void anOwnersDatasetsAreListedNewestFirstAndOnlyTheirs() {
        String owner = unique("owner");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = DatasetIds.newId();
            ids.add(0, id);
            datasets.create(new Dataset(id, "d" + i, owner, DatasetKind.MARKETING, null, null, null, false,
                    T0.plusSeconds(i), T0.plusSeconds(i)));
        }
        datasets.create(new Dataset(DatasetIds.newId(), "theirs", unique("owner"), DatasetKind.MARKETING, null, null,
                null, false, T0, T0));
        assertEquals(ids, datasets.listByOwner(owner).stream().map(Dataset::id).toList());
    }

    @Test
    void concurrentFirstUsesOfTheDefaultDatasetAllGetTheSameOne() throws Exception {
        String owner = unique("owner");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Dataset>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                Instant when = T0.plusSeconds(i);
                Callable<Dataset> firstUse = () -> {
                    start.await();
                    return datasets.defaultFor(owner, when);
                };
                results.add(pool.submit(firstUse));
            }
            start.countDown();
            Set<Dataset> seen = new HashSet<>();
            for (Future<Dataset> result : results) {
                seen.add(result.get());
            }
            assertEquals(1, seen.size(), "one default dataset: " + seen);
        } finally {
            pool.shutdownNow();
        }
        Dataset fallback = datasets.listByOwner(owner).getFirst();
        assertEquals(1, datasets.listByOwner(owner).size());
        assertEquals(DatasetIds.defaultFor(owner), fallback.id());
        assertTrue(fallback.isDefault());
        assertEquals(DatasetKind.MARKETING, fallback.kind());
    }

    @Test
    void updatesAndDeletesAreConditionalOnTheDatasetExisting() {
        String owner = unique("owner");
        Dataset dataset = new Dataset(DatasetIds.newId(), "Ads", owner, DatasetKind.MARKETING, null, null, null,
                false, T0, T0);
        datasets.create(dataset);
        Dataset renamed = new Dataset(dataset.id(), "Ads EU", owner, DatasetKind.MARKETING, null,
                new ReadingSettings("auto", ";", 0, ReadingSettings.DateOrder.AUTO,
                        ReadingSettings.DecimalStyle.COMMA), new DatasetLimits(null, 10, null, null), false, T0,
                T0.plusSeconds(1));
        assertTrue(datasets.update(renamed));
        assertEquals(Optional.of(renamed), datasets.find(dataset.id()));
        assertTrue(datasets.delete(dataset.id()));
        assertFalse(datasets.delete(dataset.id()));
        assertFalse(datasets.update(renamed), "a late update does not bring it back");
        assertEquals(Optional.empty(), datasets.find(dataset.id()));
    }

    @Test
    void aDatasetsRunsArePagedNewestFirstAndDeletedWithTheirItems() {
        String dataset = DatasetIds.newId();
        List<String> newestFirst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String runId = UUID.randomUUID().toString();
            newestFirst.add(0, runId);
            runs.create(Run.created(runId, "alice", dataset, "f" + i + ".csv", "b", "uploads/alice/" + runId + "/f",
                    Run.RunSource.UPLOAD, RunStatus.CREATED, 10, Map.of(), T0.plusSeconds(i)));
        }
        runs.create(Run.created(UUID.randomUUID().toString(), "alice", DatasetIds.newId(), "x.csv", "b", "k",
                Run.RunSource.UPLOAD, RunStatus.CREATED, 10, Map.of(), T0));
        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            DatasetRuns.RunPage page = runs.runsOf(dataset, 2, cursor);
            page.runs().forEach(run -> paged.add(run.runId()));
            cursor = page.next().orElse(null);
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(newestFirst, paged);
        assertThrows(IllegalArgumentException.class, () -> runs.runsOf(dataset, 2, "bm90IGEgY3Vyc29y"));

        String victim = newestFirst.getFirst();
        runs.recordChunkFailure(victim, 1, "boom");
        assertTrue(runs.deleteRun(victim));
        assertEquals(Optional.empty(), runs.find(victim));
        assertEquals(Optional.empty(), runs.lastChunkFailure(victim, 1), "its other items go too");
        assertFalse(runs.deleteRun(victim));
        assertEquals(newestFirst.subList(1, 5), runs.runsOf(dataset, 10, null).runs().stream().map(Run::runId)
                .toList());
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static GlobalSecondaryIndex index(String name, String hash, String range) {
        return GlobalSecondaryIndex.builder().indexName(name)
                .keySchema(key(hash, KeyType.HASH), key(range, KeyType.RANGE))
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build();
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
