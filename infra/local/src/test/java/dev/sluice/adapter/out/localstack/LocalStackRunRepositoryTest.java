package dev.sluice.adapter.out.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.adapter.out.dynamodb.DynamoRunRepository;
import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.Run.RunSource;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The run-state guarantees against LocalStack's DynamoDB, a second implementation of the API beside moto.
 * Runs with {@code mvn verify -Plocalstack} only, and needs a Docker engine; skipped with one line where none
 * runs, as on the reference machine and in CI.
 */
@LocalStackIntegration
@Testcontainers
class LocalStackRunRepositoryTest {
    @Container
    private static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"));

    @Test
    void aChunkIsCountedOnceAndTheRunFinishesOnce() {
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .build()) {
            dynamo.createTable(b -> b.tableName("runs").billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(attr("pk"), attr("sk"))
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
            DynamoRunRepository runs = new DynamoRunRepository(dynamo, "runs", Clock.systemUTC());
            String runId = UUID.randomUUID().toString();
            runs.create(Run.created(runId, "local", "default", "f.csv", "b", "k", RunSource.UPLOAD,
                    RunStatus.CREATED, 10, Map.of(), Clock.systemUTC().instant()));
            assertTrue(runs.startSplitting(runId, new ObjectVersion("etag", null), 10).isPresent());
            assertTrue(runs.finishSplitting(runId, 10, 1));
            assertTrue(runs.countChunk(runId, 1, 10, 0, 10));
            assertFalse(runs.countChunk(runId, 1, 10, 0, 10));
            assertEquals(Optional.of(RunStatus.SUCCEEDED), runs.finishIfComplete(runId));
            assertEquals(10, runs.find(runId).orElseThrow().stored());
        }
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }
}
