package dev.sluice.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.out.dynamodb.DynamoRunRepository;
import dev.sluice.adapter.out.dynamodb.DynamoUploadLedger;
import dev.sluice.adapter.out.jwt.JwksTokenVerifier;
import dev.sluice.adapter.out.postgres.PostgresRecordRepository;
import dev.sluice.application.dataset.DatasetForRun;
import dev.sluice.application.dataset.DeleteDataset;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.mapping.SuggestMapping;
import dev.sluice.application.export.RunExports;
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

    private final Adapters adapters;

    public Components(Settings settings) {
        this.adapters = new Adapters(settings);
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

    /** Suggestions that propose a dataset's saved mapping when the header fits it. */
    public SuggestMapping suggestMapping() {
        return new SuggestMapping(adapters.datasets(), settings().uploadLimits().maxColumns());
    }

    public DeleteDataset deleteDataset() {
        return new DeleteDataset(manageDatasets(), adapters.datasets(), adapters.runs(), adapters.records(),
                adapters.publisher());
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

    public RerunRun rerun(RunQueries queries) {
        return new RerunRun(queries, adapters.runs(), adapters.objectStore(), adapters.clock());
    }

    /** Review, publish, discard and rollback of runs (the API's publication routes). */
    public RunPublications publications(RunQueries queries) {
        PublishRun publishRun = new PublishRun(adapters.runs(), adapters.datasets(), adapters.publisher(),
                publishListener());
        return new RunPublications(queries, adapters.runs(), publishRun, adapters.publisher(),
                adapters.publishSender());
    }

    /**
     * Told after each publish transaction commits. Nothing listens yet; sources and destinations are wired to it
     * here.
     */
    public PublishListener publishListener() {
        return PublishListener.NONE;
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

    @Override
    public void close() {
        adapters.close();
    }
}
