package dev.sluice.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.out.apigateway.ApiGatewayConnectionMessenger;
import dev.sluice.adapter.out.dynamodb.DynamoConnectionRepository;
import dev.sluice.adapter.out.dynamodb.DynamoRunProgressReader;
import dev.sluice.adapter.out.dynamodb.DynamoRunRepository;
import dev.sluice.adapter.out.dynamodb.DynamoUploadLedger;
import dev.sluice.adapter.out.jwt.JwksTokenVerifier;
import dev.sluice.adapter.out.metrics.PowertoolsPipelineMetrics;
import dev.sluice.adapter.out.postgres.ConnectionPool;
import dev.sluice.adapter.out.postgres.PasswordSource;
import dev.sluice.adapter.out.postgres.PooledDataSource;
import dev.sluice.adapter.out.secrets.SecretsManagerPassword;
import dev.sluice.adapter.out.postgres.PostgresRecordRepository;
import dev.sluice.adapter.out.s3.S3ObjectStore;
import dev.sluice.adapter.out.sqs.SqsChunkSender;
import dev.sluice.application.expire.ExpireUploads;
import dev.sluice.application.identity.CallerResolver;
import dev.sluice.application.identity.TokenVerifier;
import dev.sluice.application.load.LoadChunk;
import dev.sluice.application.port.ConnectionMessenger;
import dev.sluice.application.port.PipelineMetrics;
import dev.sluice.application.progress.PublishProgress;
import dev.sluice.application.progress.SocketMessages;
import dev.sluice.application.progress.SocketSessions;
import dev.sluice.application.split.SplitObject;
import dev.sluice.application.upload.CreateUpload;
import dev.sluice.application.upload.FinishUpload;
import dev.sluice.domain.validation.ChunkReader;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the AWS clients, adapters and use cases that handlers need, once per Lambda instance (or once per
 * local runtime). Handlers take a Components in their second constructor.
 */
public final class Components implements AutoCloseable {
    /**
     * Deepest JSON read: Sluice's own documents (requests, chunk messages, stored extra columns) nest at most 3
     * levels; the limit stops a hostile body from costing a deep recursion.
     */
    public static final int MAX_JSON_DEPTH = 32;
    /** Longest JSON string read: twice the characters one CSV record may hold (an extra column's value). */
    public static final int MAX_JSON_STRING_CHARS = 2 * ChunkReader.MAX_RECORD_CHARS;
    /**
     * Longest JSON document read: the stored extra columns of one record (its names and values, at most 1 Mi
     * characters each, JSON-escaped) are the largest; request bodies are bounded far lower by the API itself.
     */
    public static final long MAX_JSON_DOCUMENT_CHARS = 16L * ChunkReader.MAX_RECORD_CHARS;

    private final Settings settings;
    private final Clock clock = Clock.systemUTC();
    private final ObjectMapper json = objectMapper();
    private final AwsCredentialsProvider credentials;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final SqsClient sqs;
    private final DynamoDbClient dynamo;
    private final ConnectionPool connections;
    private final S3ObjectStore objectStore;
    private final DynamoRunRepository runs;
    private final PostgresRecordRepository records;
    private final PipelineMetrics metrics;
    private ApiGatewayManagementApiClient management;

    public Components(Settings settings) {
        this.settings = settings;
        this.credentials = settings.staticCredentials()
                .<AwsCredentialsProvider>map(c -> StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        Region region = Region.of(settings.region());
        boolean customS3 = settings.s3Endpoint().isPresent();
        // S3-compatible endpoints other than AWS only do path-style addressing; the SDK's default checksums
        // (added in 2.30) are not understood by them, so checksums are sent only when S3 requires them.
        S3Configuration s3Configuration = S3Configuration.builder().pathStyleAccessEnabled(customS3).build();
        var s3Builder = S3Client.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .serviceConfiguration(s3Configuration)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        settings.s3Endpoint().ifPresent(s3Builder::endpointOverride);
        this.s3 = s3Builder.build();
        var presignerBuilder = S3Presigner.builder().region(region).credentialsProvider(credentials)
                .serviceConfiguration(s3Configuration);
        settings.s3PublicEndpoint().ifPresent(presignerBuilder::endpointOverride);
        this.presigner = presignerBuilder.build();
        var sqsBuilder = SqsClient.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder());
        settings.sqsEndpoint().ifPresent(sqsBuilder::endpointOverride);
        this.sqs = sqsBuilder.build();
        var dynamoBuilder = DynamoDbClient.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder());
        settings.dynamoDbEndpoint().ifPresent(dynamoBuilder::endpointOverride);
        this.dynamo = dynamoBuilder.build();
        this.connections = new ConnectionPool(settings.databaseUrl(), settings.databaseUser(), databasePassword(),
                settings.databasePoolSize());
        this.objectStore = new S3ObjectStore(s3, presigner, clock);
        this.runs = new DynamoRunRepository(dynamo, settings.runsTable(), clock);
        this.records = new PostgresRecordRepository(connections);
        // The local runtime sets POWERTOOLS_METRICS_DISABLED: its functions share the CLI's stdout, where EMF lines
        // would break `ingest --json` (and there is no CloudWatch to read them).
        this.metrics = settings.metricsDisabled() ? PipelineMetrics.none()
                : PowertoolsPipelineMetrics.create(settings.metricsNamespace(), settings.serviceName());
    }

    /**
     * The one ObjectMapper of a function, with its read limits set here deliberately rather than left to
     * Jackson's defaults (which allow 1,000 levels and 20 million characters per string).
     */
    static ObjectMapper objectMapper() {
        StreamReadConstraints limits = StreamReadConstraints.builder()
                .maxNestingDepth(MAX_JSON_DEPTH)
                .maxStringLength(MAX_JSON_STRING_CHARS)
                .maxNameLength(MAX_JSON_STRING_CHARS)
                .maxDocumentLength(MAX_JSON_DOCUMENT_CHARS)
                .build();
        return new ObjectMapper(JsonFactory.builder().streamReadConstraints(limits).build())
                .findAndRegisterModules();
    }

    /** A password given in the environment wins (local runtime); otherwise the secret, read when first needed. */
    private PasswordSource databasePassword() {
        if (!settings.databasePassword().isEmpty() || settings.databaseSecretArn().isEmpty()) {
            return PasswordSource.fixed(settings.databasePassword());
        }
        return new SecretsManagerPassword(settings.databaseSecretArn().get(), settings.region(), credentials, json);
    }

    /**
     * Exercises, without any network call, what a first request would otherwise pay for: the JDBC driver, JSON
     * mapping, and the SDK's signing path (a presigned URL is computed locally). Used before a SnapStart snapshot.
     */
    public void warmUp() {
        try {
            Class.forName("org.postgresql.Driver");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the PostgreSQL JDBC driver is missing from the deployment jar", e);
        }
        try {
            json.readTree(json.writeValueAsString(Map.of("warm", List.of(1, "up"))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON warm-up failed", e);
        }
        presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(1))
                .putObjectRequest(r -> r.bucket(settings.uploadBucket()).key("warm-up/snapstart")));
    }

    /** Connections for code that needs a plain {@link DataSource} (schema migrations). */
    public DataSource dataSource() {
        return new PooledDataSource(connections);
    }

    public Settings settings() {
        return settings;
    }

    public ObjectMapper json() {
        return json;
    }

    public DynamoRunRepository runs() {
        return runs;
    }

    public PostgresRecordRepository records() {
        return records;
    }

    public S3Client s3() {
        return s3;
    }

    public S3ObjectStore objectStore() {
        return objectStore;
    }

    public CreateUpload createUpload() {
        return new CreateUpload(objectStore, runs, uploadLedger(), settings.uploadBucket(), settings.uploadUrlTtl(),
                settings.uploadLimits(), clock);
    }

    public DynamoUploadLedger uploadLedger() {
        return new DynamoUploadLedger(dynamo, settings.runsTable(), clock);
    }

    public FinishUpload finishUpload() {
        return new FinishUpload(objectStore, runs, uploadLedger());
    }

    public SplitObject splitObject() {
        return new SplitObject(objectStore, runs, new SqsChunkSender(sqs, settings.chunkQueueUrl(), json),
                new SplitObject.SplitLimits(settings.chunkBytes(), settings.chunkMaxRecords(), settings.maxFileBytes()),
                uploadLedger(), settings.uploadLimits(), metrics, clock);
    }

    public ExpireUploads expireUploads() {
        return new ExpireUploads(runs, objectStore, settings.uploadUrlTtl(), settings.uploadExpiryMargin(), metrics,
                clock);
    }

    public LoadChunk loadChunk() {
        return new LoadChunk(objectStore, runs, records, metrics);
    }

    /** Who opens a WebSocket: the caller the $connect authorizer vouched for, nobody else. */
    public CallerResolver callerResolver() {
        return CallerResolver.fromAuthorizer();
    }

    /** Checks sign-in tokens against the issuer's JWKS; the only thing the $connect authorizer needs. */
    public TokenVerifier tokenVerifier() {
        return tokenVerifier(settings);
    }

    /** Without building the other clients: the authorizer starts cold on every new connection burst. */
    public static TokenVerifier tokenVerifier(Settings settings) {
        return JwksTokenVerifier.forIssuer(
                settings.tokenIssuer().orElseThrow(() -> new IllegalStateException("TOKEN_ISSUER is not set")),
                settings.tokenAudience().orElseThrow(() -> new IllegalStateException("TOKEN_AUDIENCE is not set")));
    }

    public SocketSessions socketSessions() {
        return new SocketSessions(new DynamoConnectionRepository(dynamo, settings.runsTable()),
                new DynamoRunProgressReader(dynamo, settings.runsTable()), connectionMessenger(), json, clock);
    }

    /** Keeps state (rate history, posts in flight): build one per function instance. */
    public PublishProgress publishProgress() {
        return new PublishProgress(new DynamoConnectionRepository(dynamo, settings.runsTable()),
                connectionMessenger(), new SocketMessages(json), settings.webSocketPostTimeout());
    }

    /**
     * PostToConnection through the stage's callback URL. Each call is bounded by the post timeout and not retried:
     * a message that missed its moment is superseded by the next state anyway.
     */
    public synchronized ConnectionMessenger connectionMessenger() {
        if (management == null) {
            var builder = ApiGatewayManagementApiClient.builder().region(Region.of(settings.region()))
                    .credentialsProvider(credentials)
                    .endpointOverride(settings.webSocketCallbackUrl().orElseThrow(() -> new IllegalStateException(
                            "environment variable WEBSOCKET_CALLBACK_URL is not set")))
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .overrideConfiguration(c -> c.apiCallTimeout(settings.webSocketPostTimeout())
                            .retryStrategy(AwsRetryStrategy.doNotRetry()));
            management = builder.build();
        }
        return new ApiGatewayConnectionMessenger(management);
    }

    @Override
    public void close() {
        connections.close();
        s3.close();
        presigner.close();
        sqs.close();
        dynamo.close();
        synchronized (this) {
            if (management != null) {
                management.close();
            }
        }
    }
}
