package dev.sluice.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.out.dynamodb.DynamoRunRepository;
import dev.sluice.adapter.out.dynamodb.DynamoUploadLedger;
import dev.sluice.adapter.out.jwt.JwksTokenVerifier;
import dev.sluice.adapter.out.postgres.PostgresRecordRepository;
import dev.sluice.application.admin.AdminRuns;
import dev.sluice.application.admin.Operations;
import dev.sluice.application.admin.RunStatistics;
import dev.sluice.application.analytics.AnalyticsUseCases;
import dev.sluice.application.analytics.CompareRuns;
import dev.sluice.application.analytics.DatasetAnalytics;
import dev.sluice.application.analytics.DatasetRowQueries;
import dev.sluice.application.dataset.DatasetForRun;
import dev.sluice.application.dataset.DeleteDataset;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.destination.DeliverRuns;
import dev.sluice.application.destination.Destinations;
import dev.sluice.application.destination.ManageDestinations;
import dev.sluice.application.mapping.PreviewMapping;
import dev.sluice.application.mapping.SuggestMapping;
import dev.sluice.application.export.RunExports;
import dev.sluice.application.health.CheckHealth;
import dev.sluice.application.identity.CallerResolver;
import dev.sluice.application.identity.TokenVerifier;
import dev.sluice.application.port.PublishListener;
import dev.sluice.application.progress.SocketSessions;
import dev.sluice.application.publish.PublishRun;
import dev.sluice.application.publish.RunPublications;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.reconcile.RecoverRuns;
import dev.sluice.application.rerun.RerunRun;
import dev.sluice.application.upload.CreateUpload;
import dev.sluice.application.upload.FinishUpload;
import dev.sluice.domain.analytics.SpendAnomalies;
import dev.sluice.adapter.out.dynamodb.DynamoSourceRepository;
import dev.sluice.adapter.out.http.HttpSourceFetcher;
import dev.sluice.adapter.wire.SignedAwsCall;
import dev.sluice.adapter.out.http.SsrfGuard;
import dev.sluice.adapter.out.http.StaxFeedReader;
import dev.sluice.adapter.out.scheduler.EventBridgePullScheduler;
import dev.sluice.adapter.out.scheduler.LambdaRunNow;
import dev.sluice.adapter.out.secrets.LocalSecretStore;
import dev.sluice.adapter.out.secrets.SecretsManagerSecretStore;
import dev.sluice.application.port.DatasetDependents;
import dev.sluice.application.port.PullScheduler;
import dev.sluice.application.port.QueueAge;
import dev.sluice.application.port.SecretStore;
import dev.sluice.application.port.SourceRepository;
import dev.sluice.application.source.ManageSources;
import dev.sluice.application.source.PullSource;
import dev.sluice.application.source.RunNow;
import dev.sluice.application.source.SourceCheckpoints;
import dev.sluice.application.source.SourceUseCases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What ApiFunction is still wired from, and what the local runtime hands to the test doubles it is given: use cases
 * built on request over clients built on first use. Every other handler has a wiring of its own
 * ({@link LoadWiring}, {@link SplitWiring}, ...) that builds only what that function uses.
 */
public final class Components implements AutoCloseable {
    /** See {@link Json#MAX_DEPTH}. */
    public static final int MAX_JSON_DEPTH = Json.MAX_DEPTH;
    /** See {@link Json#MAX_STRING_CHARS}. */
    public static final int MAX_JSON_STRING_CHARS = Json.MAX_STRING_CHARS;
    /** See {@link Json#MAX_DOCUMENT_CHARS}. */
    public static final long MAX_JSON_DOCUMENT_CHARS = Json.MAX_DOCUMENT_CHARS;

    /** A load balancer's health check waits a few seconds at most; each dependency gets this long. */
    public static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);
    /**
     * When a pulled run's checkpoint advances: once its run is published ({@link #publishListener()} tells
     * {@link SourceUseCases#checkpoints()}), so data that was loaded but never published is pulled again.
     */
    public static final SourceCheckpoints.Advance SOURCE_CHECKPOINT_ADVANCE =
            SourceCheckpoints.Advance.ON_PUBLISH;

    private final Adapters adapters;
    /** The local runtime's timer for source schedules (null on AWS, where EventBridge Scheduler holds them). */
    private volatile PullScheduler localPullScheduler;
    private SourceUseCases sources;

    public Components(Settings settings) {
        this.adapters = new Adapters(settings);
    }

    /** Over the clients a function's wiring built already (PublishWiring's listeners share its pool and clients). */
    Components(Adapters adapters) {
        this.adapters = adapters;
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
        ObjectMapper json = json();
        try {
            json.readTree(json.writeValueAsString(Map.of("warm", List.of(1, "up"))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JSON warm-up failed", e);
        }
        adapters.presigner().presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(1))
                .putObjectRequest(r -> r.bucket(settings().uploadBucket()).key("warm-up/snapstart")));
    }

    public Settings settings() {
        return adapters.settings();
    }

    public ObjectMapper json() {
        return adapters.json();
    }

    public DynamoRunRepository runs() {
        return adapters.runs();
    }

    public PostgresRecordRepository records() {
        return adapters.records();
    }

    public CreateUpload createUpload() {
        Settings settings = settings();
        return new CreateUpload(adapters.objectStore(), adapters.runs(), uploadLedger(), settings.uploadBucket(),
                settings.uploadUrlTtl(), settings.uploadLimits(), datasetForRun(), adapters.clock());
    }

    public DatasetForRun datasetForRun() {
        return new DatasetForRun(adapters.datasets(), adapters.clock());
    }

    public ManageDatasets manageDatasets() {
        return new ManageDatasets(adapters.datasets(), adapters.runs(), settings().uploadLimits().datasetLimits(),
                adapters.clock());
    }

    /** Previews of a mapping's transformations, reading a dataset's kind and saved mapping. */
    public PreviewMapping previewMapping() {
        return new PreviewMapping(adapters.datasets());
    }

    /** Suggestions that propose a dataset's saved mapping when the header fits it. */
    public SuggestMapping suggestMapping() {
        return new SuggestMapping(adapters.datasets(), settings().uploadLimits().maxColumns());
    }

    /** Deleting a dataset takes its sources (where SOURCES_TABLE is set) and its destinations with it. */
    public DeleteDataset deleteDataset() {
        List<DatasetDependents> dependents = new java.util.ArrayList<>();
        if (settings().sources().table().isPresent()) {
            dependents.add(sources().manage());
        }
        dependents.add(manageDestinations());
        return new DeleteDataset(manageDatasets(), adapters.datasets(), adapters.runs(), adapters.records(),
                adapters.publisher(), dependents);
    }

    /** Resume, redrive and cancel: the plan and counters in DynamoDB, the ledger in PostgreSQL, ChunkQueue. */
    public RecoverRuns recoverRuns(RunQueries queries) {
        return new RecoverRuns(queries, adapters.runs(), adapters.runs(), adapters.records(), adapters.chunkSender(),
                adapters.clock());
    }

    public DynamoUploadLedger uploadLedger() {
        return adapters.uploadLedger();
    }

    public FinishUpload finishUpload() {
        return new FinishUpload(adapters.objectStore(), adapters.runs(), uploadLedger());
    }

    /** errors.csv and records.csv, read back from where the runs of {@code queries} keep their data. */
    public RunExports exports(RunQueries queries) {
        return new RunExports(queries, adapters.objectStore(), adapters.exportReader(), adapters.clock());
    }

    /** A dataset's rows and rows.csv, analytics and anomalies over its rollups, and the comparison of two runs. */
    public AnalyticsUseCases analytics(RunQueries queries) {
        ManageDatasets datasets = manageDatasets();
        return new AnalyticsUseCases(
                new DatasetRowQueries(datasets, adapters.datasetRows(), adapters.runs(), adapters.objectStore(),
                        settings().uploadBucket(), adapters.clock(), RunExports.INLINE_LIMIT, RunExports.LINK_TTL),
                new DatasetAnalytics(datasets, adapters.analytics(), new SpendAnomalies()),
                new CompareRuns(datasets, queries, adapters.datasetRows()));
    }

    public RerunRun rerun(RunQueries queries) {
        return new RerunRun(queries, adapters.runs(), adapters.objectStore(), adapters.clock());
    }

    /** A dataset's destinations: the API's create, read, change, delete, test and introspection. */
    public ManageDestinations manageDestinations() {
        return new ManageDestinations(manageDatasets(), adapters.destinationStore(), adapters.secretStore(),
                adapters.externalDatabase(), adapters.clock());
    }

    /**
     * Deliveries of published runs: the publish listener that queues them, their status and resend. The queue is
     * reached only when something is sent, so the API works without DELIVERY_QUEUE_URL until a resend.
     */
    public DeliverRuns deliverRuns() {
        return new DeliverRuns(adapters.destinationStore(), message -> adapters.deliverySender().send(message),
                adapters.destinationRows(), adapters.externalDatabase(), adapters.secretStore(), adapters.clock());
    }

    public Destinations destinations() {
        return new Destinations(manageDestinations(), deliverRuns());
    }

    /** Review, publish, discard and rollback of runs (the API's publication routes). */
    public RunPublications publications(RunQueries queries) {
        PublishRun publishRun = new PublishRun(adapters.runs(), adapters.datasets(), adapters.publisher(),
                publishListener());
        return new RunPublications(queries, adapters.runs(), publishRun, adapters.publisher(),
                adapters.publishSender());
    }

    /**
     * Told after each publish transaction commits: a pulled run's source advances its checkpoint (where sources are
     * configured) and the dataset's destinations get a delivery each (where DeliveryQueue is configured). Each is
     * idempotent; one that fails fails the publish message, which comes back and tells them all again.
     */
    public PublishListener publishListener() {
        List<PublishListener> listeners = new java.util.ArrayList<>();
        if (settings().sources().table().isPresent()) {
            listeners.add(sources().checkpoints());
        }
        if (settings().deliveryQueueUrl().isPresent()) {
            listeners.add(deliverRuns());
        }
        return published -> listeners.forEach(listener -> listener.published(published));
    }

    /** Who opens a WebSocket: the caller the $connect authorizer vouched for, nobody else. */
    public CallerResolver callerResolver() {
        return CallerResolver.fromAuthorizer();
    }

    /** Checks sign-in tokens against the issuer's JWKS; the only thing the $connect authorizer needs. */
    public TokenVerifier tokenVerifier() {
        return tokenVerifier(settings());
    }

    /** Without building the other clients: the authorizer starts cold on every new connection burst. */
    public static TokenVerifier tokenVerifier(Settings settings) {
        return JwksTokenVerifier.forIssuer(
                settings.tokenIssuer().orElseThrow(() -> new IllegalStateException("TOKEN_ISSUER is not set")),
                settings.tokenAudience().orElseThrow(() -> new IllegalStateException("TOKEN_AUDIENCE is not set")));
    }

    public SocketSessions socketSessions() {
        return new SocketSessions(adapters.connectionRepository(), adapters.runProgressReader(),
                adapters.connectionMessenger(), json(), adapters.clock(),
                adapters.socketLimits());
    }

    /** GET /api/admin/runs, /api/stats and /api/health; each health check is bounded by {@link #HEALTH_TIMEOUT}. */
    public Operations operations() {
        return new Operations(
                new AdminRuns(adapters.runSearch(), adapters.clock(), settings().chunkVisibilityTimeout()),
                new RunStatistics(adapters.runSearch(), adapters.clock()),
                new CheckHealth(adapters::healthProbes, HEALTH_TIMEOUT));
    }

    /** The local runtime hands its SQS emulator's reader of message ages to the health check. */
    public void useQueueAge(QueueAge queueAge) {
        adapters.useQueueAge(queueAge);
    }

    /** The local runtime hands every function its timer, so schedules the API sets fire PullFunction locally. */
    public void usePullScheduler(PullScheduler scheduler) {
        this.localPullScheduler = scheduler;
    }

    /** Sources, pulls and checkpoints (SOURCES_TABLE must be set). */
    public synchronized SourceUseCases sources() {
        if (sources == null) {
            Settings settings = settings();
            SourceSettings config = settings.sources();
            SourceRepository repository = new DynamoSourceRepository(adapters.dynamo(), config.table().orElseThrow(
                    () -> new IllegalStateException("environment variable SOURCES_TABLE is not set")));
            SourceCheckpoints checkpoints = new SourceCheckpoints(repository, adapters.runs(), adapters.clock(),
                    config.pullTimeout(), SOURCE_CHECKPOINT_ADVANCE);
            SecretStore secrets = secretStore();
            HttpSourceFetcher fetcher = new HttpSourceFetcher(
                    new SsrfGuard(SsrfGuard.Resolver.SYSTEM, config.allowLoopback()),
                    HttpSourceFetcher.Policy.defaults().withMaxBytes(config.maxBytes()), adapters.clock(),
                    HttpSourceFetcher.Sleeper.REAL);
            PullSource pull = new PullSource(repository, adapters.runs(), adapters.objectStore(), fetcher, secrets,
                    json(), settings.uploadBucket(), Path.of(System.getProperty("java.io.tmpdir")), config.maxBytes(),
                    checkpoints, adapters.clock(), new StaxFeedReader(), adapters.datasets());
            ManageSources manage = new ManageSources(repository, manageDatasets(), secrets, pullScheduler(),
                    checkpoints, json(), adapters.clock());
            RunNow runNow = !settings.localRuntime() && config.pullFunctionArn().isPresent()
                    ? new LambdaRunNow(new SignedAwsCall("lambda", settings.region(), adapters.credentials()),
                            settings.region(), config.pullFunctionArn().get(), json())
                    : RunNow.direct(pull);
            sources = new SourceUseCases(manage, pull, checkpoints, runNow);
        }
        return sources;
    }

    /** Locally an encrypted file per secret (key outside the data directory); on AWS Secrets Manager. */
    public SecretStore secretStore() {
        return adapters.secretStore();
    }

    /** The local timer when the runtime gave one, EventBridge Scheduler on AWS, else nothing. */
    private PullScheduler pullScheduler() {
        Settings settings = settings();
        SourceSettings config = settings.sources();
        PullScheduler aws = !settings.localRuntime() && config.pullFunctionArn().isPresent()
                && config.schedulerRoleArn().isPresent()
                ? new EventBridgePullScheduler(new SignedAwsCall("scheduler", settings.region(),
                        adapters.credentials()), settings.region(), config.scheduleGroup(), config.secretPrefix(),
                        config.pullFunctionArn().get(), config.schedulerRoleArn().get(), json())
                : PullScheduler.NONE;
        return new PullScheduler() {
            @Override
            public void put(dev.sluice.domain.source.Source source) {
                PullScheduler local = localPullScheduler;
                (local != null ? local : aws).put(source);
            }

            @Override
            public void remove(String sourceId) {
                PullScheduler local = localPullScheduler;
                (local != null ? local : aws).remove(sourceId);
            }
        };
    }

    @Override
    public void close() {
        adapters.close();
    }
}
