package dev.sluice.local;

import dev.sluice.adapter.out.postgres.Migrations;
import dev.sluice.local.auth.LocalIdentity;
import dev.sluice.local.emulator.DynamoDbCallCounter;
import dev.sluice.local.emulator.FreePort;
import dev.sluice.local.fault.Faults;
import dev.sluice.local.function.DynamoDbStreamEventSource;
import dev.sluice.local.function.LocalFunction;
import dev.sluice.local.function.SqsEventSource;
import dev.sluice.local.gateway.HttpGateway;
import dev.sluice.local.gateway.PortInUseException;
import dev.sluice.local.gateway.StaticFiles;
import dev.sluice.local.gateway.WebSocketGateway;
import dev.sluice.local.template.SamTemplate;
import dev.sluice.local.template.WebSocketApiSpec;
import io.javalin.config.JavalinConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Sluice on one machine: S3 (S3Proxy) and SQS (ElasticMQ) in this JVM, DynamoDB (moto's server) and PostgreSQL
 * (embedded, or external) as child processes tied to this JVM, the functions of {@code template.yaml} with their
 * event sources, and an HTTP gateway for the API and the web app. All state lives under
 * {@link LocalOptions#dataDir()}.
 *
 * <p>A façade: {@link TemplateProvisioner} creates the template's resources on the {@link Emulators},
 * {@link FunctionEnvironment} resolves each function's environment, {@link FunctionDeployment} builds the handlers
 * and their event sources, and {@link Lifecycle} closes everything in reverse.
 *
 * <pre>{@code
 * try (LocalSluice sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dir).build())) {
 *     HttpClient.newHttpClient().send(HttpRequest.newBuilder(sluice.baseUrl().resolve("api/runs")).build(), ...);
 * }
 * }</pre>
 */
public final class LocalSluice implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSluice.class);
    /** Letters and digits only: some emulators accept nothing else in an access key id. */
    public static final String ACCESS_KEY_ID = "sluicelocal";
    public static final String SECRET_ACCESS_KEY = "sluice-local-secret";

    private final LocalOptions options;
    private final Lifecycle lifecycle = new Lifecycle();
    private final Emulators emulators = new Emulators();
    private final List<WebSocketGateway> webSocketGateways = new ArrayList<>();
    private SamTemplate template;
    private LocalResources resources;
    private FunctionDeployment deployment;
    private HttpGateway gateway;
    /** The local sign-in: users, signing key, login route; the gateway checks tokens with it. */
    private LocalIdentity identity;
    /** Null unless the options install fault injection. */
    private Faults faults;
    private boolean closed;

    private LocalSluice(LocalOptions options) {
        this.options = options;
    }

    /**
     * Starts everything and returns once the gateway accepts requests and the event sources poll.
     *
     * @throws PortInUseException before anything starts, when the gateway's port is taken
     * @throws DataDirInUseException when another runtime uses the data directory
     */
    public static LocalSluice start(LocalOptions options) throws Exception {
        LocalSluice sluice = new LocalSluice(options);
        try {
            sluice.startAll();
            return sluice;
        } catch (Exception | Error e) {
            sluice.close();
            throw e;
        }
    }

    /**
     * The order matters: the port and the data directory are checked before anything starts; the emulators and
     * the template's resources come up together; then the schema, the functions (whose environment names the
     * gateway's port), the gateway, and last the event sources, so nothing is invoked before it can answer.
     */
    private void startAll() throws Exception {
        long begin = System.nanoTime();
        if (options.port() != 0) {
            PortInUseException.requireFree(options.port());
        }
        Path dataDir = dataDir();
        Files.createDirectories(dataDir);
        lifecycle.register(DataDirLock.acquire(dataDir));
        template = TemplateProvisioner.readTemplate(options);
        resources = new LocalResources(template, () -> emulators.sqs().endpoint());
        emulators.start(dataDir, options, resources,
                new TemplateProvisioner(template, resources, options.visibilityTimeoutOverride()), lifecycle);

        // The functions module's own migrations, the same code that migrates Aurora.
        lifecycle.time("migrations", () -> Migrations.apply(emulators.postgres().dataSource()));
        int gatewayPort = options.port() == 0 ? FreePort.pick() : options.port();
        identity = lifecycle.time("identity", () -> LocalIdentity.open(dataDir.resolve("auth"), options.users(),
                URI.create("http://127.0.0.1:" + gatewayPort + "/")));
        if (options.faultInjection()) {
            faults = new Faults(options.faults());
            emulators.dynamoDb().filterCalls(faults.dynamoDb());
            String visibility = emulators.sqsClient().getQueueAttributes(b -> b.queueUrl(resources.queueUrl(
                    FunctionDeployment.CHUNK_QUEUE)).attributeNamesWithStrings("VisibilityTimeout"))
                    .attributesAsStrings().get("VisibilityTimeout");
            faults.chunkVisibilityTimeout(Duration.ofSeconds(Long.parseLong(visibility)));
        }
        deployment = new FunctionDeployment(template, options, emulators, resources, lifecycle, faults);
        lifecycle.time("functions", () -> {
            deployment.createFunctions(new FunctionEnvironment(template, emulators, resources, gatewayPort,
                    identity.issuer(), dataDir, options.secretKeyFile()));
            return null;
        });

        for (WebSocketApiSpec api : template.webSocketApis().values()) {
            webSocketGateways.add(lifecycle.register(new WebSocketGateway(api, deployment.functions())));
        }
        List<Consumer<JavalinConfig>> extensions = new ArrayList<>();
        extensions.add(identity::configure);
        webSocketGateways.forEach(ws -> extensions.add(ws::configure));
        gateway = lifecycle.register(lifecycle.time("gateway", () -> HttpGateway.start(deployment.httpBindings(),
                new StaticFiles(options.webDir().or(() -> StaticFiles.locate(Path.of("")))), gatewayPort,
                extensions, emulators.healthChecks(),
                token -> identity.verifier().verify(token).map(verified -> verified.claims()),
                "{\"kind\":\"local\"}")));
        deployment.startEventSources();
        deployment.startStreamEventSources();
        // `sam local invoke --env-vars` needs this start's ports (README, "sam local against serve").
        SamLocalEnvironment.write(dataDir.resolve("sam-local-env.json"), deployment.functions());
        lifecycle.startupMillis("total", (System.nanoTime() - begin) / 1_000_000);
        LOG.info("Sluice local started in {} ms: {}", startupMillis().get("total"), startupMillis());
    }

    // ---- public API ------------------------------------------------------------------------------------

    /** The local sign-in (its users, issuer, and a signer for tokens tests need). */
    public LocalIdentity identity() {
        return identity;
    }

    /**
     * The faults this runtime injects, to switch on and off and to read how often each struck.
     *
     * @throws IllegalStateException when it was started without fault injection
     */
    public Faults faults() {
        if (faults == null) {
            throw new IllegalStateException("this runtime was started without fault injection; start it with a "
                    + "fault (serve --fault NAME) or LocalOptions.builder().faultInjection(true)");
        }
        return faults;
    }

    /** The faults enabled now (empty without fault injection), as {@code serve --fault} names them. */
    public List<String> faultsInjected() {
        return faults == null ? List.of() : faults.enabled().stream().map(Object::toString).toList();
    }

    /** The gateway, e.g. {@code http://127.0.0.1:8080/}; the API is under {@code api/}. */
    public URI baseUrl() {
        return gateway.baseUrl();
    }

    public URI s3Endpoint() {
        return emulators.s3().endpoint();
    }

    public URI sqsEndpoint() {
        return emulators.sqs().endpoint();
    }

    /** DynamoDB and DynamoDB Streams: build a {@code DynamoDbStreamsClient} with this endpoint too. */
    public URI dynamoDbEndpoint() {
        return emulators.dynamoDb().endpoint();
    }

    /** The table's current stream (a new one at every start: the emulator keeps no stream records). */
    public String streamArn(String tableLogicalId) {
        return resources.streamArn(tableLogicalId);
    }

    /** The DynamoDB and DynamoDB Streams calls answered so far, by operation, table and index. */
    public Map<String, DynamoDbCallCounter.Calls> dynamoDbCalls() {
        return emulators.dynamoDb().calls().snapshot();
    }

    /** The DynamoDB emulator's server process (it ends with this runtime). */
    public long dynamoDbServerPid() {
        return emulators.dynamoDb().serverPid();
    }

    /** A client of the S3 emulator (path-style, local credentials); owned by this runtime, do not close. */
    public S3Client s3Client() {
        return emulators.s3Client();
    }

    public SqsClient sqsClient() {
        return emulators.sqsClient();
    }

    public DynamoDbClient dynamoDbClient() {
        return emulators.dynamoDbClient();
    }

    /** Builds a new S3 client for this runtime's S3 (the caller closes it). */
    public S3Client newS3Client() {
        return LocalClients.s3(emulators.s3().endpoint());
    }

    public String jdbcUrl() {
        return emulators.postgres().jdbcUrl();
    }

    public String dbUser() {
        return emulators.postgres().user();
    }

    public String dbPassword() {
        return emulators.postgres().password();
    }

    /** A new (unpooled) DataSource for database {@code sluice}. */
    public DataSource dataSource() {
        return emulators.postgres().dataSource();
    }

    /** The embedded PostgreSQL's superuser; empty when running against an external server. */
    public Optional<DataSource> postgresSuperuser() {
        return emulators.postgres().superuserDataSource();
    }

    public SamTemplate template() {
        return template;
    }

    public String queueUrl(String logicalId) {
        return resources.queueUrl(logicalId);
    }

    public String queueArn(String logicalId) {
        return resources.queueArn(logicalId);
    }

    public String tableName(String logicalId) {
        return resources.tableName(logicalId);
    }

    public String bucketName(String logicalId) {
        return resources.bucketName(logicalId);
    }

    /** The function as deployed locally (spec, environment, invoke). */
    public LocalFunction localFunction(String logicalId) {
        return deployment.function(logicalId);
    }

    /** The handler instance that serves the function's invocations. */
    public Object function(String logicalId) {
        return localFunction(logicalId).handler();
    }

    public <T> T function(String logicalId, Class<T> type) {
        return type.cast(function(logicalId));
    }

    public Map<String, LocalFunction> functions() {
        return Map.copyOf(deployment.functions());
    }

    /** The sources with a scheduled pull armed now: the local stand-in for the stack's EventBridge schedules. */
    public Set<String> scheduledPulls() {
        return deployment.scheduledPulls();
    }

    public List<SqsEventSource> eventSources() {
        return deployment.eventSources();
    }

    /** The SQS event sources of a function (usually one). */
    public List<SqsEventSource> eventSources(String functionLogicalId) {
        return deployment.eventSources(functionLogicalId);
    }

    /** Stops invoking the function from its queues (messages stay queued), like disabling its event source mapping. */
    public void pauseEventSource(String functionLogicalId) {
        eventSources(functionLogicalId).forEach(SqsEventSource::pause);
    }

    public void resumeEventSource(String functionLogicalId) {
        eventSources(functionLogicalId).forEach(SqsEventSource::resume);
    }

    /** The DynamoDB stream event sources of a function. */
    public List<DynamoDbStreamEventSource> streamEventSources(String functionLogicalId) {
        return deployment.streamEventSources(functionLogicalId);
    }

    /** The WebSocket endpoint, e.g. {@code ws://127.0.0.1:8080/ws}. */
    public URI webSocketUrl() {
        return URI.create("ws://127.0.0.1:" + gateway.port() + WebSocketGateway.PATH);
    }

    /** The template's WebSocket API as the gateway serves it. */
    public WebSocketGateway webSocketGateway() {
        if (webSocketGateways.isEmpty()) {
            throw new IllegalStateException("the template defines no WebSocket API");
        }
        return webSocketGateways.getFirst();
    }

    /**
     * Milliseconds each part took to start, in the order they finished, and {@code total}. sqs, dynamodb, s3 and
     * postgres run in parallel; {@code dynamodb.*} break the DynamoDB part down.
     */
    public Map<String, Long> startupMillis() {
        return lifecycle.startupMillis();
    }

    public Path dataDir() {
        return options.dataDir().toAbsolutePath().normalize();
    }

    /**
     * {@link #close()}, waiting at most {@code grace} for it. If something is still running then (an invocation
     * waiting on a call that does not answer), every thread's stack goes to the log and this returns false: the
     * process may end anyway, as after a kill, since the next start recovers from the DynamoDB journal, the kept
     * plans and the chunk ledger.
     */
    public boolean closeWithin(Duration grace) {
        return closeWithin(this::close, grace);
    }

    /** Runs {@code close} on a thread of its own and waits for it at most {@code grace} (see above). */
    static boolean closeWithin(Runnable close, Duration grace) {
        Thread closing = Thread.ofPlatform().daemon(true).name("sluice-close").start(close);
        try {
            if (closing.join(grace)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StringBuilder stacks = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, frames) -> {
            stacks.append('\n').append(thread.getName()).append(" (").append(thread.getState()).append(')');
            for (StackTraceElement frame : frames) {
                stacks.append("\n    at ").append(frame);
            }
        });
        LOG.warn("Sluice local did not stop within {} s; ending anyway (the next start recovers as after a kill)."
                + " Threads still running:{}", grace.toSeconds(), stacks);
        return false;
    }

    /**
     * Stops event sources (in-flight invocations finish), the gateway, then the emulators. The data dir is
     * kept: a later start with the same one continues where this left off.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (deployment != null) {
            deployment.stopEventSources();
        }
        lifecycle.close();
    }
}
