package dev.sluice.local;

import dev.sluice.local.emulator.MotoDynamoDb;
import dev.sluice.local.emulator.PostgresEmulator;
import dev.sluice.local.emulator.S3Emulator;
import dev.sluice.local.emulator.SqsEmulator;
import dev.sluice.local.events.S3EventNotifications;
import dev.sluice.local.gateway.HealthChecks;
import dev.sluice.local.template.SamTemplate;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The four emulators (S3, SQS, DynamoDB, PostgreSQL), a client of each, and the template's resources on them.
 * They start at the same time; each is registered with the {@link Lifecycle} as soon as it runs.
 */
final class Emulators {
    private static final Logger LOG = LoggerFactory.getLogger(Emulators.class);

    private volatile SqsEmulator sqs;
    private volatile SqsClient sqsClient;
    private volatile MotoDynamoDb dynamoDb;
    private volatile DynamoDbClient dynamoDbClient;
    private volatile S3Emulator s3;
    private volatile S3Client s3Client;
    private volatile PostgresEmulator postgres;

    /**
     * ElasticMQ (~2.5 s) and PostgreSQL (2-4 s) dominate; everything starts at once, and each emulator's resources
     * are created in the same task so SDK start-up overlaps too.
     */
    void start(Path dataDir, LocalOptions options, LocalResources resources, TemplateProvisioner provisioner,
            Lifecycle lifecycle) throws Exception {
        S3EventNotifications notifications = new S3EventNotifications(resources.bucketsByName(), resources::queueUrl,
                () -> sqsClient);
        lifecycle.inParallel(List.of(
                lifecycle.timed("sqs", () -> {
                    sqs = lifecycle.register(SqsEmulator.start(dataDir.resolve("sqs"), SamTemplate.REGION,
                            SamTemplate.ACCOUNT_ID));
                    sqsClient = lifecycle.register(LocalClients.sqs(sqs.endpoint()));
                    provisioner.createQueues(sqsClient);
                    return null;
                }),
                lifecycle.timed("dynamodb", () -> {
                    dynamoDb = lifecycle.register(MotoDynamoDb.start(dataDir.resolve("dynamodb"),
                            dataDir.resolve("logs").resolve("dynamodb.log")));
                    dynamoDbClient = lifecycle.register(LocalClients.dynamoDb(dynamoDb.endpoint()));
                    provisioner.createTables(dynamoDbClient);
                    MotoDynamoDb.Restored restored = dynamoDb.restore();
                    provisioner.enableStreamsAndTimeToLive(dynamoDbClient);
                    dynamoDb.startupMillis().forEach((part, ms) -> lifecycle.startupMillis("dynamodb." + part, ms));
                    LOG.info("DynamoDB state restored: {} snapshot items, {} journaled writes",
                            restored.snapshotItems(), restored.journaledWrites());
                    return null;
                }),
                lifecycle.timed("s3", () -> {
                    s3 = lifecycle.register(S3Emulator.start(dataDir.resolve("s3"), LocalSluice.ACCESS_KEY_ID,
                            LocalSluice.SECRET_ACCESS_KEY, notifications));
                    s3Client = lifecycle.register(LocalClients.s3(s3.endpoint()));
                    provisioner.createBuckets(s3.blobStore());
                    return null;
                }),
                lifecycle.timed("postgres", () -> {
                    postgres = lifecycle.register(options.jdbcUrl().isPresent()
                            ? PostgresEmulator.external(options.jdbcUrl().get(),
                                    options.dbUser().orElse(PostgresEmulator.LOCAL_USER),
                                    options.dbPassword().orElse(""))
                            : PostgresEmulator.startEmbedded(dataDir.resolve("postgres")));
                    return null;
                })));
    }

    /**
     * One cheap call per emulator, each the kind a function makes first, so "ok" means a function would get
     * through. Two seconds: every emulator answers these in milliseconds when up.
     */
    HealthChecks healthChecks() {
        Map<String, HealthChecks.Check> checks = new LinkedHashMap<>();
        checks.put("s3", () -> s3Client.listBuckets());
        checks.put("sqs", () -> sqsClient.listQueues());
        checks.put("dynamodb", () -> dynamoDbClient.listTables(request -> request.limit(1)));
        checks.put("postgresql", () -> {
            try (Connection connection = postgres.dataSource().getConnection()) {
                if (!connection.isValid(2)) {
                    throw new SQLException("connection not valid");
                }
            }
        });
        return new HealthChecks(checks, Duration.ofSeconds(2));
    }

    SqsEmulator sqs() {
        return sqs;
    }

    SqsClient sqsClient() {
        return sqsClient;
    }

    MotoDynamoDb dynamoDb() {
        return dynamoDb;
    }

    DynamoDbClient dynamoDbClient() {
        return dynamoDbClient;
    }

    S3Emulator s3() {
        return s3;
    }

    S3Client s3Client() {
        return s3Client;
    }

    PostgresEmulator postgres() {
        return postgres;
    }
}
