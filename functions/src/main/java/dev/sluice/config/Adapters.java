package dev.sluice.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.out.apigateway.ApiGatewayConnectionMessenger;
import dev.sluice.adapter.out.cloudwatch.CloudWatchQueueAge;
import dev.sluice.adapter.out.dynamodb.DynamoConnectionRepository;
import dev.sluice.adapter.out.dynamodb.DynamoDatasetRepository;
import dev.sluice.adapter.out.dynamodb.DynamoHealthProbe;
import dev.sluice.adapter.out.dynamodb.DynamoReconcileMarkers;
import dev.sluice.adapter.out.dynamodb.DynamoRunProgressReader;
import dev.sluice.adapter.out.dynamodb.DynamoRunRepository;
import dev.sluice.adapter.out.dynamodb.DynamoRunSearch;
import dev.sluice.adapter.out.dynamodb.DynamoUploadLedger;
import dev.sluice.adapter.out.metrics.PowertoolsPipelineMetrics;
import dev.sluice.adapter.out.postgres.ConnectionPool;
import dev.sluice.adapter.out.postgres.DestinationRows;
import dev.sluice.adapter.out.postgres.DestinationStore;
import dev.sluice.adapter.out.postgres.ExternalPostgres;
import dev.sluice.adapter.out.postgres.PasswordSource;
import dev.sluice.adapter.out.postgres.PostgresAnalytics;
import dev.sluice.adapter.out.postgres.PostgresDatasetRows;
import dev.sluice.adapter.out.postgres.PostgresExportReader;
import dev.sluice.adapter.out.postgres.PostgresHealthProbe;
import dev.sluice.adapter.out.postgres.PooledDataSource;
import dev.sluice.adapter.out.postgres.PostgresPublisher;
import dev.sluice.adapter.out.postgres.PostgresRecordRepository;
import dev.sluice.adapter.out.s3.S3BucketListing;
import dev.sluice.adapter.out.s3.S3HealthProbe;
import dev.sluice.adapter.out.s3.S3ObjectStore;
import dev.sluice.adapter.out.secrets.LocalSecretStore;
import dev.sluice.adapter.wire.SignedAwsCall;
import dev.sluice.adapter.out.secrets.SecretsManagerSecretStore;
import dev.sluice.adapter.out.secrets.SecretsManagerPassword;
import dev.sluice.adapter.out.sqs.SqsDeliverySender;
import dev.sluice.adapter.out.sqs.SqsChunkSender;
import dev.sluice.adapter.out.sqs.SqsHealthProbe;
import dev.sluice.adapter.out.sqs.SqsIngestBacklog;
import dev.sluice.adapter.out.sqs.SqsIngestSender;
import dev.sluice.adapter.out.sqs.SqsPublishSender;
import dev.sluice.application.port.PublishSender;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.adapter.wire.TraceHeaders;
import dev.sluice.application.port.HealthProbe;
import dev.sluice.application.port.PipelineMetrics;
import dev.sluice.application.port.QueueAge;
import dev.sluice.application.port.SecretStore;
import dev.sluice.application.progress.SocketLimits;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The clients, database pool and adapters of one function instance, each built the first time a wiring asks for
 * it: a function pays at init only for the clients it uses (building an SDK client loads its service model and
 * HTTP stack, tens of milliseconds each), and closing releases only what was built.
 */
public final class Adapters implements AutoCloseable {
    private final Settings settings;
    private final Clock clock = Clock.systemUTC();
    private final Deque<AutoCloseable> built = new ArrayDeque<>();
    private ObjectMapper json;
    private AwsCredentialsProvider credentials;
    private S3Client s3;
    private S3Presigner presigner;
    private SqsClient sqs;
    private DynamoDbClient dynamo;
    private ApiGatewayManagementApiClient management;
    private ConnectionPool connections;
    private S3ObjectStore objectStore;
    private DynamoRunRepository runs;
    private DynamoDatasetRepository datasets;
    private PostgresRecordRepository records;
    private PostgresPublisher publisher;
    private PipelineMetrics metrics;
    private SecretStore secretStore;
    /** The local runtime's reader of its SQS emulator's store (null on AWS). */
    private volatile QueueAge localQueueAge;

    public Adapters(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    public synchronized ObjectMapper json() {
        if (json == null) {
            json = Json.mapper();
        }
        return json;
    }

    synchronized AwsCredentialsProvider credentials() {
        if (credentials == null) {
            credentials = settings.staticCredentials()
                    .<AwsCredentialsProvider>map(c -> StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
                    .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        }
        return credentials;
    }

    private Region region() {
        return Region.of(settings.region());
    }

    /**
     * S3-compatible endpoints other than AWS only do path-style addressing; the SDK's default checksums (added in
     * 2.30) are not understood by them, so checksums are sent only when S3 requires them.
     */
    private S3Configuration s3Configuration() {
        return S3Configuration.builder().pathStyleAccessEnabled(settings.s3Endpoint().isPresent()).build();
    }

    public synchronized S3Client s3() {
        if (s3 == null) {
            var builder = S3Client.builder().region(region()).credentialsProvider(credentials())
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .serviceConfiguration(s3Configuration())
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            settings.s3Endpoint().ifPresent(builder::endpointOverride);
            s3 = remember(builder.build());
        }
        return s3;
    }

    public synchronized S3Presigner presigner() {
        if (presigner == null) {
            var builder = S3Presigner.builder().region(region()).credentialsProvider(credentials())
                    .serviceConfiguration(s3Configuration());
            settings.s3PublicEndpoint().ifPresent(builder::endpointOverride);
            presigner = remember(builder.build());
        }
        return presigner;
    }

    private synchronized SqsClient sqs() {
        if (sqs == null) {
            var builder = SqsClient.builder().region(region()).credentialsProvider(credentials())
                    .httpClientBuilder(UrlConnectionHttpClient.builder());
            settings.sqsEndpoint().ifPresent(builder::endpointOverride);
            sqs = remember(builder.build());
        }
        return sqs;
    }

    synchronized DynamoDbClient dynamo() {
        if (dynamo == null) {
            var builder = DynamoDbClient.builder().region(region()).credentialsProvider(credentials())
                    .httpClientBuilder(UrlConnectionHttpClient.builder());
            settings.dynamoDbEndpoint().ifPresent(builder::endpointOverride);
            dynamo = remember(builder.build());
        }
        return dynamo;
    }

    /**
     * PostToConnection through the stage's callback URL. Each call is bounded by the post timeout and not retried:
     * a message that missed its moment is superseded by the next state anyway.
     */
    public synchronized ApiGatewayConnectionMessenger connectionMessenger() {
        if (management == null) {
            management = remember(ApiGatewayManagementApiClient.builder().region(region())
                    .credentialsProvider(credentials())
                    .endpointOverride(settings.webSocketCallbackUrl().orElseThrow(() -> new IllegalStateException(
                            "environment variable WEBSOCKET_CALLBACK_URL is not set")))
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .overrideConfiguration(c -> c.apiCallTimeout(settings.webSocketPostTimeout())
                            .retryStrategy(AwsRetryStrategy.doNotRetry()))
                    .build());
        }
        return new ApiGatewayConnectionMessenger(management);
    }

    private synchronized ConnectionPool connections() {
        if (connections == null) {
            connections = remember(new ConnectionPool(settings.databaseUrl(), settings.databaseUser(),
                    databasePassword(), settings.databasePoolSize()));
        }
        return connections;
    }

    /** A password given in the environment wins (local runtime); otherwise the secret, read when first needed. */
    private PasswordSource databasePassword() {
        if (!settings.databasePassword().isEmpty() || settings.databaseSecretArn().isEmpty()) {
            return PasswordSource.fixed(settings.databasePassword());
        }
        return new SecretsManagerPassword(settings.databaseSecretArn().get(), settings.region(), credentials(),
                json());
    }

    /**
     * Hides a received ChunkQueue message for the given time from now (ChangeMessageVisibility), so a chunk that
     * failed on a passing outage is delivered again after a backoff instead of the queue's visibility timeout. The
     * SQS client is built on the first call: a loader that never retries never pays for it.
     */
    public BiConsumer<String, Duration> chunkRedeliveryDelay() {
        return redeliveryDelay(settings.chunkQueueUrl());
    }

    /** As {@link #chunkRedeliveryDelay()}, for a publish message on PublishQueue. */
    public BiConsumer<String, Duration> publishRedeliveryDelay() {
        return (receiptHandle, delay) -> redeliveryDelay(settings.publishQueueUrl().orElseThrow(
                () -> new IllegalStateException("PUBLISH_QUEUE_URL is not set"))).accept(receiptHandle, delay);
    }

    private BiConsumer<String, Duration> redeliveryDelay(String queueUrl) {
        return (receiptHandle, delay) -> sqs().changeMessageVisibility(b -> b.queueUrl(queueUrl)
                .receiptHandle(receiptHandle).visibilityTimeout((int) Math.min(43_200, delay.toSeconds())));
    }

    /** Connections for code that needs a plain {@link DataSource} (schema migrations). */
    public DataSource dataSource() {
        return new PooledDataSource(connections());
    }

    public synchronized S3ObjectStore objectStore() {
        if (objectStore == null) {
            objectStore = new S3ObjectStore(s3(), presigner(), clock);
        }
        return objectStore;
    }

    public synchronized DynamoRunRepository runs() {
        if (runs == null) {
            // Read only when a run that stored records finishes loading: REVIEW or PUBLISHING by its dataset.
            runs = new DynamoRunRepository(dynamo(), settings.runsTable(), clock,
                    datasetId -> datasets().find(datasetId).map(Dataset::publish)
                            .orElse(PublishSettings.defaults(DatasetKind.MARKETING)));
        }
        return runs;
    }

    /** The Datasets table (DATASETS_TABLE). */
    public synchronized DynamoDatasetRepository datasets() {
        if (datasets == null) {
            datasets = new DynamoDatasetRepository(dynamo(), settings.datasetsTable());
        }
        return datasets;
    }

    public synchronized PostgresRecordRepository records() {
        if (records == null) {
            records = new PostgresRecordRepository(connections());
        }
        return records;
    }

    /** The dataset_rows publisher (PostgreSQL). */
    public synchronized PostgresPublisher publisher() {
        if (publisher == null) {
            publisher = new PostgresPublisher(connections());
        }
        return publisher;
    }

    /** PublishQueue (PUBLISH_QUEUE_URL); without it (tests of a single function) nothing is sent. */
    public PublishSender publishSender() {
        return settings.publishQueueUrl().<PublishSender>map(url -> new SqsPublishSender(sqs(), url, json()))
                .orElse(PublishSender.NONE);
    }

    /** IngestQueue, for the reconciler's replacement of a lost S3 notification. */
    public SqsIngestSender ingestSender() {
        return new SqsIngestSender(sqs(), settings.ingestQueueUrl().orElseThrow(() -> new IllegalStateException(
                "environment variable INGEST_QUEUE_URL is not set")), json(), clock);
    }

    /** Every owner's runs through the runs table's indexes (admin listing, statistics). */
    public DynamoRunSearch runSearch() {
        return new DynamoRunSearch(dynamo(), settings.runsTable());
    }

    /**
     * What {@code GET /api/health} calls: the database (only where DB_URL is set), the upload bucket, the queues
     * (IngestQueue and ChunkDLQ where their URLs are set) and the runs table.
     */
    public List<HealthProbe> healthProbes() {
        List<HealthProbe> probes = new ArrayList<>();
        if (!settings.databaseUrl().isEmpty()) {
            probes.add(new PostgresHealthProbe(dataSource()));
        }
        probes.add(new S3HealthProbe(s3(), settings.uploadBucket()));
        Map<String, String> queues = new LinkedHashMap<>();
        queues.put("ChunkQueue", settings.chunkQueueUrl());
        settings.ingestQueueUrl().ifPresent(url -> queues.put("IngestQueue", url));
        settings.chunkDlqUrl().ifPresent(url -> queues.put("ChunkDLQ", url));
        probes.add(new SqsHealthProbe(sqs(), queues, "ChunkQueue", queueAge()));
        probes.add(new DynamoHealthProbe(dynamo(), settings.runsTable()));
        return probes;
    }

    /** The local runtime hands its emulator's reader of message ages; nothing else can tell locally. */
    void useQueueAge(QueueAge queueAge) {
        this.localQueueAge = queueAge;
    }

    /**
     * Where the chunk queue's oldest message's age comes from: the local emulator's store, CloudWatch where the
     * template says ApiFunction's subnets reach it, else nowhere (calling an unreachable CloudWatch from the VPC would
     * cost every health check a timeout).
     */
    private QueueAge queueAge() {
        QueueAge local = localQueueAge;
        if (local != null) {
            return local;
        }
        if (settings.localRuntime()) {
            return QueueAge.unknown("the local runtime's SQS emulator gave no reader of its messages");
        }
        if (!settings.chunkQueueAgeFromCloudWatch()) {
            return QueueAge.unknown("CloudWatch is not reachable from the stack's VPC (deploy with "
                    + "ExtraVpcEndpoints=true or DestinationEgress=nat)");
        }
        // A health check has 2 s for everything: the figure gets at most one of them, and a CloudWatch that does not
        // answer leaves the age unknown instead of taking the queues check down.
        return new CloudWatchQueueAge(new SignedAwsCall("monitoring", settings.region(), credentials(),
                Duration.ofMillis(500), Duration.ofSeconds(1)), CloudWatchQueueAge.endpoint(settings.region()), clock);
    }

    /** The reconciler's memory per object, kept past its look-back by a day. */
    public DynamoReconcileMarkers reconcileMarkers() {
        return new DynamoReconcileMarkers(dynamo(), settings.runsTable(),
                settings.reconcileLookBack().plus(Duration.ofDays(1)), clock);
    }

    /** IngestQueue's depth, which tells the reconciler whether a file's event may still be queued. */
    public SqsIngestBacklog ingestBacklog() {
        return new SqsIngestBacklog(sqs(), settings.ingestQueueUrl().orElseThrow(() -> new IllegalStateException(
                "environment variable INGEST_QUEUE_URL is not set")));
    }

    public S3BucketListing bucketListing() {
        return new S3BucketListing(s3());
    }

    /** Cheap (the pool is shared): a dataset's current rows and the comparison of two runs. */
    public PostgresDatasetRows datasetRows() {
        return new PostgresDatasetRows(connections());
    }

    /** Cheap (the pool is shared): analytics over the rollups. */
    public PostgresAnalytics analytics() {
        return new PostgresAnalytics(connections());
    }

    /** Cheap (the pool is shared): a reader per export. */
    public PostgresExportReader exportReader() {
        return new PostgresExportReader(connections());
    }

    public SqsChunkSender chunkSender() {
        return new SqsChunkSender(sqs(), settings.chunkQueueUrl(), json(),
                settings.xrayTracing() ? TraceHeaders::current : Optional::empty);
    }

    /** Who imported which bytes into which dataset (duplicates), and each owner's uploads per hour. */
    public DynamoUploadLedger uploadLedger() {
        return new DynamoUploadLedger(dynamo(), settings.runsTable(), clock);
    }

    public DynamoConnectionRepository connectionRepository() {
        return new DynamoConnectionRepository(dynamo(), settings.runsTable());
    }

    /** The WebSocket's per-user connection limit and the origins a browser may connect from. */
    public SocketLimits socketLimits() {
        return new SocketLimits(settings.webSocketMaxConnectionsPerUser(),
                Set.copyOf(settings.webSocketAllowedOrigins()));
    }

    public DynamoRunProgressReader runProgressReader() {
        return new DynamoRunProgressReader(dynamo(), settings.runsTable());
    }

    public synchronized PipelineMetrics metrics() {
        if (metrics == null) {
            // The local runtime sets POWERTOOLS_METRICS_DISABLED: its functions share the CLI's stdout, where EMF
            // lines would break `ingest --json` (and there is no CloudWatch to read them).
            metrics = settings.metricsDisabled() ? PipelineMetrics.none()
                    : PowertoolsPipelineMetrics.create(settings.metricsNamespace(), settings.serviceName());
        }
        return metrics;
    }

    /** Destinations and deliveries in Sluice's PostgreSQL (V5). */
    public DestinationStore destinationStore() {
        return new DestinationStore(connections(), json());
    }

    /** Published rows of runs (dataset_rows), read for delivery. */
    public DestinationRows destinationRows() {
        return new DestinationRows(connections());
    }

    /** Destinations' own databases: one connection per use, nothing pooled. */
    public ExternalPostgres externalDatabase() {
        return new ExternalPostgres();
    }

    /** DeliveryQueue (DELIVERY_QUEUE_URL). */
    public SqsDeliverySender deliverySender() {
        return new SqsDeliverySender(sqs(), settings.deliveryQueueUrl().orElseThrow(() -> new IllegalStateException(
                "environment variable DELIVERY_QUEUE_URL is not set")), json());
    }

    /**
     * Users' credentials (a source's headers, a destination's password): locally encrypted files under the data
     * directory with the key outside it (SECRETS_DIR, SECRET_KEY_FILE, set by the local runtime); on AWS one
     * Secrets Manager secret each under SECRET_PREFIX (the stack's name).
     */
    public synchronized SecretStore secretStore() {
        if (secretStore == null) {
            SourceSettings config = settings.sources();
            if (settings.localRuntime()) {
                secretStore = new LocalSecretStore(config.secretsDirectory().orElseThrow(() ->
                        new IllegalStateException("environment variable SECRETS_DIR is not set")),
                        config.secretKeyFile().orElseThrow(() ->
                                new IllegalStateException("environment variable SECRET_KEY_FILE is not set")));
            } else {
                secretStore = new SecretsManagerSecretStore(new SignedAwsCall("secretsmanager", settings.region(),
                        credentials()), settings.region(), config.secretPrefix(), json());
            }
        }
        return secretStore;
    }

    /** The simple class names of the clients and pools built so far, oldest first (tests pin them per function). */
    synchronized List<String> built() {
        List<String> names = new ArrayList<>();
        built.descendingIterator().forEachRemaining(resource -> names.add(resource.getClass().getSimpleName()));
        return names;
    }

    private <T extends AutoCloseable> T remember(T resource) {
        built.push(resource);
        return resource;
    }

    /** Closes what was built, newest first; a failure to close one does not keep the others open. */
    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        while (!built.isEmpty()) {
            try {
                built.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing the function's clients failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
