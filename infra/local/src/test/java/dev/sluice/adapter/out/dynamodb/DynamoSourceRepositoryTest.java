package dev.sluice.adapter.out.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.domain.source.Checkpoint;
import dev.sluice.domain.source.Pagination;
import dev.sluice.domain.source.Pull;
import dev.sluice.domain.source.PullStatus;
import dev.sluice.domain.source.Schedule;
import dev.sluice.domain.source.Source;
import dev.sluice.domain.source.SourceKind;
import dev.sluice.local.emulator.MotoDynamoDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
 * SourcesTable against the local runtime's DynamoDB emulator: the one-pull-at-a-time claim under concurrent pulls,
 * the checkpoint advanced once however often the publish notification comes, settings updates that leave the
 * checkpoint alone, and the pull history paged newest first.
 */
class DynamoSourceRepositoryTest {
    private static final Instant T0 = Instant.parse("2026-12-02T06:00:00Z");
    private static MotoDynamoDb local;
    private static DynamoDbClient dynamo;
    private static DynamoSourceRepository sources;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("sluice-sources-");
        local = MotoDynamoDb.start(dir, dir.resolve("moto.log"));
        dynamo = DynamoDbClient.builder().endpointOverride(local.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        dynamo.createTable(b -> b.tableName("sources").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("pk"), attr("sk"), attr("datasetId"), attr("createdKey"))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(DynamoSourceRepository.BY_DATASET)
                        .keySchema(key("datasetId", KeyType.HASH), key("createdKey", KeyType.RANGE))
                        .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build()));
        sources = new DynamoSourceRepository(dynamo, "sources");
    }

    @AfterAll
    static void stop() throws Exception {
        dynamo.close();
        local.close();
    }

    private static Source source(String id, String dataset) {
        return new Source(id, dataset, "owner-1", SourceKind.JSON_API, "https://api.example.com/items",
                Schedule.of("cron(0 6 * * ? *)", "Europe/Berlin"), true, "updated_at", "data",
                new Pagination(Pagination.Type.CURSOR, "after", 1, "next", 50), "since={checkpoint}",
                List.of("Authorization"), "sluice/source/" + id, Checkpoint.NONE, null, T0, T0);
    }

    @Test
    void aSourceComesBackAsItWasStoredAndByItsDataset() {
        Source stored = source("s-read", "ds-read");
        sources.create(stored);
        assertEquals(stored, sources.find("s-read").orElseThrow());
        assertEquals(List.of(stored), sources.listByDataset("ds-read"));
        assertTrue(sources.listScheduled().stream().anyMatch(s -> s.id().equals("s-read")));
    }

    @Test
    void onlyOnePullHoldsASourceHoweverManyStartAtOnce() throws Exception {
        sources.create(source("s-claim", "ds-claim"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<Boolean>> claims = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String pullId = "20261202T060000.000Z-" + i;
            claims.add(() -> sources.claim("s-claim", pullId, null));
        }
        long won = 0;
        for (Future<Boolean> claim : pool.invokeAll(claims)) {
            won += claim.get() ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(1, won);
        String holder = sources.find("s-claim").orElseThrow().activePull();
        sources.release("s-claim", "someone-else");
        assertEquals(holder, sources.find("s-claim").orElseThrow().activePull(), "only the holder releases");
        sources.release("s-claim", holder);
        assertNull(sources.find("s-claim").orElseThrow().activePull());
    }

    @Test
    void theCheckpointAdvancesOnceAndSettingsUpdatesLeaveItAlone() {
        sources.create(source("s-adv", "ds-adv"));
        Pull pull = Pull.started("20261202T060000.000Z-a", "s-adv", Checkpoint.NONE, T0, "manual");
        assertTrue(sources.claim("s-adv", pull.pullId(), null));
        Checkpoint after = new Checkpoint("2026-03-07T10:00:00Z", null, null, "abc");
        Pull loading = pull.loading("run-1", after, 7L, 120);
        sources.savePull(loading);
        Pull done = loading.done(7L, T0.plusSeconds(60));
        assertTrue(sources.advance(done, after));
        assertFalse(sources.advance(done, new Checkpoint("9999", null, null, "x")), "a repeated publish");
        Source now = sources.find("s-adv").orElseThrow();
        assertEquals(after, now.checkpoint());
        assertNull(now.activePull());
        assertEquals(PullStatus.DONE, sources.findPull("s-adv", pull.pullId()).orElseThrow().status());

        Source changed = new Source("s-adv", "ds-adv", "owner-1", SourceKind.JSON_API, "https://api.example.com/v2",
                null, false, null, null, Pagination.NONE, null, List.of(), null, Checkpoint.NONE, null, T0,
                T0.plusSeconds(120));
        sources.updateSettings(changed);
        Source read = sources.find("s-adv").orElseThrow();
        assertEquals("https://api.example.com/v2", read.url());
        assertNull(read.schedule());
        assertFalse(read.enabled());
        assertEquals(after, read.checkpoint(), "the checkpoint is not a setting");
    }

    @Test
    void pullsArePagedNewestFirst() {
        sources.create(source("s-page", "ds-page"));
        for (int i = 1; i <= 5; i++) {
            sources.savePull(Pull.started("20261202T06000" + i + ".000Z-p", "s-page", Checkpoint.NONE,
                    T0.plusSeconds(i), "schedule").nothingNew(T0.plusSeconds(i), 0));
        }
        var first = sources.pulls("s-page", 2, null);
        assertEquals(List.of("20261202T060005.000Z-p", "20261202T060004.000Z-p"),
                first.items().stream().map(Pull::pullId).toList());
        var second = sources.pulls("s-page", 2, first.nextAfter());
        assertEquals(List.of("20261202T060003.000Z-p", "20261202T060002.000Z-p"),
                second.items().stream().map(Pull::pullId).toList());
        var last = sources.pulls("s-page", 2, second.nextAfter());
        assertEquals(List.of("20261202T060001.000Z-p"), last.items().stream().map(Pull::pullId).toList());
        assertNull(last.nextAfter());
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
