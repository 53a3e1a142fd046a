package dev.sluice.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.Components;
import dev.sluice.config.Settings;
import dev.sluice.local.auth.LocalIdentity;
import dev.sluice.local.auth.TemplateAuth;
import dev.sluice.local.emulator.MotoDynamoDb;
import dev.sluice.local.emulator.PostgresEmulator;
import dev.sluice.local.emulator.S3Emulator;
import dev.sluice.local.emulator.SqsEmulator;
import dev.sluice.local.events.S3EventNotifications;
import dev.sluice.local.emulator.FreePort;
import dev.sluice.local.function.DynamoDbStreamEventSource;
import dev.sluice.local.function.LocalFunction;
import dev.sluice.local.function.ScheduleEventSource;
import dev.sluice.local.function.SqsEventSource;
import dev.sluice.local.gateway.HealthChecks;
import dev.sluice.local.gateway.HttpApiRoute;
import dev.sluice.local.gateway.HttpGateway;
import dev.sluice.local.gateway.PortInUseException;
import dev.sluice.local.gateway.StaticFiles;
import dev.sluice.local.gateway.WebSocketGateway;
import dev.sluice.local.template.Intrinsics;
import dev.sluice.local.template.SamTemplate;
import dev.sluice.local.template.Specs;
import dev.sluice.local.template.WebSocketApiSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import io.javalin.config.JavalinConfig;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Sluice on one machine: S3 (S3Proxy) and SQS (ElasticMQ) in this JVM, DynamoDB (moto's server) and PostgreSQL
 * (embedded, or external) as child processes tied to this JVM, the functions of {@code template.yaml} with their
 * event sources, and an HTTP gateway for the API and the web app. All state lives under
 * {@link LocalOptions#dataDir()}.
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
    private static final String DB_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:sluice-local-db";

    private final LocalOptions options;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final Map<String, Long> startupMillis = new LinkedHashMap<>();
    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
    private final List<SqsEventSource> eventSources = new ArrayList<>();
    private final List<ScheduleEventSource> schedules = new ArrayList<>();
    private final List<DynamoDbStreamEventSource> streamEventSources = new ArrayList<>();
    private final List<WebSocketGateway> webSocketGateways = new ArrayList<>();
    /** Known before the functions are built: the WebSocket callback URL in their environment names it. */
    private int gatewayPort;
    private SamTemplate template;
    private SqsEmulator sqsEmulator;
    private MotoDynamoDb dynamoDbEmulator;
    private final Map<String, String> streamArns = new LinkedHashMap<>();
    private S3Emulator s3Emulator;
    private PostgresEmulator postgres;
    private volatile SqsClient sqsClient;
    private DynamoDbClient dynamoDbClient;
    private S3Client s3Client;
    private HttpGateway gateway;
    /** The local sign-in: users, signing key, login route; the gateway checks tokens with it. */
    private LocalIdentity identity;
    private FileLock dataDirLock;
    private volatile boolean closed;

    private LocalSluice(LocalOptions options) {
        this.options = options;
    }

    /** Starts everything and returns once the gateway accepts requests and the event sources poll. */
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

    private void startAll() throws Exception {
        long begin = System.nanoTime();
        if (options.port() != 0) {
            PortInUseException.requireFree(options.port());
        }
        Path dataDir = options.dataDir().toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        lockDataDir(dataDir);
        template = readTemplate();

        ExecutorService starter = Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon(true).name("sluice-start-", 1).factory());
        try {
            // ElasticMQ (~2.5 s) and PostgreSQL (2-4 s) dominate; start everything at once, and create each
            // emulator's resources in the same task so SDK start-up overlaps too.
            S3EventNotifications notifications = new S3EventNotifications(bucketsByName(), this::queueUrl, () -> sqsClient);
            List<Future<?>> tasks = List.of(
                    starter.submit(timed("sqs", () -> {
                        sqsEmulator = register(SqsEmulator.start(dataDir.resolve("sqs"), SamTemplate.REGION, SamTemplate.ACCOUNT_ID));
                        sqsClient = register(SqsClient.builder().endpointOverride(sqsEmulator.endpoint()).region(Region.US_EAST_1)
                                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build());
                        createQueues();
                        return null;
                    })),
                    starter.submit(timed("dynamodb", () -> {
                        dynamoDbEmulator = register(MotoDynamoDb.start(dataDir.resolve("dynamodb"),
                                dataDir.resolve("logs").resolve("dynamodb.log")));
                        dynamoDbClient = register(DynamoDbClient.builder().endpointOverride(dynamoDbEmulator.endpoint())
                                .region(Region.US_EAST_1).credentialsProvider(credentials())
                                .httpClient(UrlConnectionHttpClient.create()).build());
                        createTables();
                        MotoDynamoDb.Restored restored = dynamoDbEmulator.restore();
                        enableStreamsAndTimeToLive();
                        dynamoDbEmulator.startupMillis().forEach((part, ms) -> startupMillis("dynamodb." + part, ms));
                        LOG.info("DynamoDB state restored: {} snapshot items, {} journaled writes",
                                restored.snapshotItems(), restored.journaledWrites());
                        return null;
                    })),
                    starter.submit(timed("s3", () -> {
                        s3Emulator = register(S3Emulator.start(dataDir.resolve("s3"), ACCESS_KEY_ID, SECRET_ACCESS_KEY, notifications));
                        s3Client = register(newS3Client(s3Emulator.endpoint()));
                        createBuckets();
                        return null;
                    })),
                    starter.submit(timed("postgres", () -> {
                        postgres = register(options.jdbcUrl().isPresent()
                                ? PostgresEmulator.external(options.jdbcUrl().get(),
                                        options.dbUser().orElse(PostgresEmulator.LOCAL_USER), options.dbPassword().orElse(""))
                                : PostgresEmulator.startEmbedded(dataDir.resolve("postgres")));
                        return null;
                    })));
            // Wait for every task even when one fails, so nothing registers itself after close() ran.
            Exception failure = null;
            for (Future<?> task : tasks) {
                try {
                    await(task);
                } catch (Exception e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            starter.shutdown();
        }

        timed("migrations", () -> {
            applyMigrations();
            return null;
        }).call();
        gatewayPort = options.port() == 0 ? FreePort.pick() : options.port();
        identity = timed("identity", () -> LocalIdentity.open(dataDir.resolve("auth"), options.users(),
                URI.create("http://127.0.0.1:" + gatewayPort + "/"))).call();
        timed("functions", () -> {
            createFunctions();
            return null;
        }).call();

        for (WebSocketApiSpec api : template.webSocketApis().values()) {
            webSocketGateways.add(register(new WebSocketGateway(api, functions)));
        }
        List<Consumer<JavalinConfig>> extensions = new ArrayList<>();
        extensions.add(identity::configure);
        webSocketGateways.forEach(ws -> extensions.add(ws::configure));
        gateway = register(timed("gateway", () -> HttpGateway.start(httpBindings(),
                new StaticFiles(options.webDir().or(() -> StaticFiles.locate(Path.of("")))), gatewayPort,
                extensions, healthChecks(),
                token -> identity.verifier().verify(token).map(verified -> verified.claims()),
                "{\"kind\":\"local\"}")).call());
        startEventSources();
        startStreamEventSources();
        startupMillis.put("total", (System.nanoTime() - begin) / 1_000_000);
        LOG.info("Sluice local started in {} ms: {}", startupMillis.get("total"), startupMillis);
    }

    /**
     * One cheap call per emulator, each the kind a function makes first, so "ok" means a function would get
     * through. Two seconds: every emulator answers these in milliseconds when up.
     */
    private HealthChecks healthChecks() {
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

    private void lockDataDir(Path dataDir) throws IOException {
        FileChannel channel = FileChannel.open(dataDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("data dir " + dataDir + " is in use by another Sluice local runtime");
        }
        dataDirLock = lock;
        closeables.push(channel);
    }

    private SamTemplate readTemplate() throws IOException {
        Map<String, String> overrides = new LinkedHashMap<>(options.parameters());
        if (options.jdbcUrl().isPresent()) {
            overrides.putIfAbsent("DatabaseUrl", options.jdbcUrl().get());
            options.dbUser().ifPresent(user -> overrides.putIfAbsent("DatabaseUser", user));
        }
        Optional<Path> file = options.template().or(() -> SamTemplate.locate(Path.of("")));
        if (file.isPresent()) {
            return SamTemplate.read(file.get(), overrides);
        }
        try (InputStream in = LocalSluice.class.getResourceAsStream("/sluice/template.yaml")) {
            if (in == null) {
                throw new IllegalStateException("no template.yaml here or in a parent directory, and none bundled in the jar");
            }
            return SamTemplate.read(new InputStreamReader(in, StandardCharsets.UTF_8), overrides);
        }
    }

    private <T> Callable<T> timed(String name, Callable<T> step) {
        return () -> {
            long begin = System.nanoTime();
            T result = step.call();
            startupMillis(name, (System.nanoTime() - begin) / 1_000_000);
            return result;
        };
    }

    private void startupMillis(String part, long millis) {
        synchronized (startupMillis) {
            startupMillis.put(part, millis);
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private <T> T register(T resource) {
        if (resource instanceof AutoCloseable closeable) {
            synchronized (closeables) {
                closeables.push(closeable);
            }
        }
        return resource;
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
    }

    /** S3Proxy serves path-style URLs and rejects the SDK's default flexible checksums (BUILD-NOTES). */
    private static S3Client newS3Client(URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials())
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private Map<String, Specs.Bucket> bucketsByName() {
        Map<String, Specs.Bucket> byName = new LinkedHashMap<>();
        template.buckets().values().forEach(bucket -> byName.put(bucket.name(), bucket));
        return byName;
    }

    private void createQueues() {
        // Dead-letter queues first: a redrive policy must name an existing queue.
        List<Specs.Queue> ordered = new ArrayList<>(template.queues().values());
        ordered.sort(Comparator.comparing((Specs.Queue q) -> q.redrive().isPresent()));
        ObjectMapper json = new ObjectMapper();
        for (Specs.Queue queue : ordered) {
            Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
            attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT,
                    Integer.toString(options.visibilityTimeoutOverride().orElse(queue.visibilityTimeoutSeconds())));
            attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, Integer.toString(queue.messageRetentionSeconds()));
            attributes.put(QueueAttributeName.DELAY_SECONDS, Integer.toString(queue.delaySeconds()));
            attributes.put(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, Integer.toString(queue.receiveMessageWaitSeconds()));
            queue.redrive().ifPresent(redrive -> {
                try {
                    attributes.put(QueueAttributeName.REDRIVE_POLICY, json.writeValueAsString(Map.of(
                            "deadLetterTargetArn", queueArn(redrive.deadLetterQueueLogicalId()),
                            "maxReceiveCount", Integer.toString(redrive.maxReceiveCount()))));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            String url;
            try {
                url = sqsClient.getQueueUrl(b -> b.queueName(queue.name())).queueUrl();
                sqsClient.setQueueAttributes(b -> b.queueUrl(url).attributes(attributes));
            } catch (QueueDoesNotExistException e) {
                if (queue.fifo()) {
                    attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
                }
                sqsClient.createQueue(b -> b.queueName(queue.name()).attributes(attributes));
            }
        }
    }

    private void createTables() {
        // moto starts empty: the tables come from the template at every start, their items from restore().
        for (Specs.Table table : template.tables().values()) {
            CreateTableRequest.Builder request = CreateTableRequest.builder()
                    .tableName(table.name())
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(table.attributeTypes().entrySet().stream()
                            .map(a -> AttributeDefinition.builder().attributeName(a.getKey()).attributeType(a.getValue()).build())
                            .toList())
                    .keySchema(keys(table.keySchema()));
            if (!table.globalSecondaryIndexes().isEmpty()) {
                request.globalSecondaryIndexes(table.globalSecondaryIndexes().stream()
                        .map(i -> GlobalSecondaryIndex.builder().indexName(i.name()).keySchema(keys(i.keySchema()))
                                .projection(projection(i)).build())
                        .toList());
            }
            if (!table.localSecondaryIndexes().isEmpty()) {
                request.localSecondaryIndexes(table.localSecondaryIndexes().stream()
                        .map(i -> LocalSecondaryIndex.builder().indexName(i.name()).keySchema(keys(i.keySchema()))
                                .projection(projection(i)).build())
                        .toList());
            }
            dynamoDbClient.createTable(request.build());
        }
    }

    /** After restore(), so the restored items do not appear as new stream records. */
    private void enableStreamsAndTimeToLive() {
        for (Specs.Table table : template.tables().values()) {
            table.streamViewType().ifPresent(view -> streamArns.put(table.logicalId(), dynamoDbClient.updateTable(b -> b
                    .tableName(table.name())
                    .streamSpecification(StreamSpecification.builder().streamEnabled(true).streamViewType(view)
                            .build()))
                    .tableDescription().latestStreamArn()));
            table.timeToLiveAttribute().ifPresent(attribute -> {
                try {
                    dynamoDbClient.updateTimeToLive(b -> b.tableName(table.name())
                            .timeToLiveSpecification(t -> t.attributeName(attribute).enabled(true)));
                } catch (RuntimeException e) {
                    LOG.warn("TTL on {} not enabled locally: {}", table.name(), e.toString());
                }
            });
        }
    }

    private static List<KeySchemaElement> keys(List<Specs.KeyElement> elements) {
        return elements.stream().map(k -> KeySchemaElement.builder().attributeName(k.attributeName()).keyType(k.keyType()).build())
                .toList();
    }

    private static Projection projection(Specs.Index index) {
        Projection.Builder projection = Projection.builder().projectionType(index.projectionType());
        if (!index.nonKeyAttributes().isEmpty()) {
            projection.nonKeyAttributes(index.nonKeyAttributes());
        }
        return projection.build();
    }

    private void createBuckets() {
        for (Specs.Bucket bucket : template.buckets().values()) {
            if (!s3Emulator.blobStore().containerExists(bucket.name())) {
                s3Emulator.blobStore().createContainerInLocation(null, bucket.name());
            }
        }
    }

    /**
     * Schema migrations come from the functions module ({@code Migrations.apply(DataSource)}), the same code
     * that migrates Aurora. Looked up by name so this runtime also starts against a functions build that has
     * no migrations yet.
     */
    private void applyMigrations() throws Exception {
        Class<?> migrations;
        try {
            migrations = Class.forName("dev.sluice.adapter.out.postgres.Migrations");
        } catch (ClassNotFoundException e) {
            LOG.warn("dev.sluice.adapter.out.postgres.Migrations not found: PostgreSQL schema not migrated");
            return;
        }
        try {
            migrations.getMethod("apply", DataSource.class).invoke(null, postgres.dataSource());
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void createFunctions() throws Exception {
        for (Specs.Function spec : template.functions().values()) {
            Map<String, String> environment = environment(spec);
            Components components = new Components(Settings.fromEnvironment(environment));
            Object maybeCloseable = components; // Components may own clients in the future
            if (maybeCloseable instanceof AutoCloseable closeable) {
                closeables.push(closeable);
            }
            Object handler = options.handlerFactories().containsKey(spec.logicalId())
                    ? options.handlerFactories().get(spec.logicalId()).apply(components)
                    : newHandler(spec, components);
            if (handler instanceof AutoCloseable closeable) {
                closeables.push(closeable);
            }
            functions.put(spec.logicalId(), new LocalFunction(spec, environment, handler));
        }
    }

    private static Object newHandler(Specs.Function spec, Components components) throws Exception {
        Class<?> type = Class.forName(spec.handlerClass());
        try {
            return type.getConstructor(Components.class).newInstance(components);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(spec.logicalId() + ": handler " + spec.handlerClass()
                    + " needs a public constructor taking dev.sluice.config.Components", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(spec.logicalId() + ": constructing " + spec.handlerClass() + " failed: "
                    + e.getCause(), e.getCause());
        }
    }

    /** The function's template environment with local values, plus the emulator endpoints and credentials. */
    private Map<String, String> environment(Specs.Function spec) {
        Intrinsics intrinsics = template.intrinsics(new RuntimeEnvironment());
        Map<String, String> environment = new LinkedHashMap<>();
        spec.environment().forEach((name, value) -> {
            String resolved = intrinsics.resolveString(value);
            if (resolved != null) {
                environment.put(name, resolved);
            }
        });
        environment.put("AWS_REGION", SamTemplate.REGION);
        environment.put("AWS_DEFAULT_REGION", SamTemplate.REGION);
        environment.put("AWS_LAMBDA_FUNCTION_NAME", spec.logicalId());
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memorySizeMb()));
        environment.put("AWS_ENDPOINT_URL_S3", s3Emulator.endpoint().toString());
        environment.put("AWS_ENDPOINT_URL_SQS", sqsEmulator.endpoint().toString());
        environment.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDbEmulator.endpoint().toString());
        environment.put("SLUICE_STATIC_ACCESS_KEY_ID", ACCESS_KEY_ID);
        environment.put("SLUICE_STATIC_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
        // Everything binds 127.0.0.1, so the URL functions use is also the one a browser or CLI here can reach.
        environment.put("SLUICE_S3_PUBLIC_ENDPOINT", s3Emulator.endpoint().toString());
        environment.put("SLUICE_LOCAL", "true");
        // Functions share this process's stdout, where `ingest --json` prints its result: no EMF lines there.
        environment.put("POWERTOOLS_METRICS_DISABLED", "true");
        if (environment.containsKey("DB_URL")) {
            // On AWS the password is read from DB_SECRET_ARN at run time; here there is no Secrets Manager.
            environment.put("DB_PASSWORD", postgres.password());
        }
        // Tokens come from the local sign-in, not the Cognito pool the template names.
        if (environment.containsKey("TOKEN_ISSUER")) {
            environment.put("TOKEN_ISSUER", identity.issuer());
            environment.put("TOKEN_AUDIENCE", LocalIdentity.AUDIENCE);
        }
        // PostToConnection reaches the local gateway's @connections endpoint of the stage.
        template.webSocketApis().values().stream().findFirst().ifPresent(api -> environment.put(
                "SLUICE_WEBSOCKET_CALLBACK_URL", "http://127.0.0.1:" + gatewayPort + "/" + api.stageName()));
        return environment;
    }

    /** What Ref/GetAtt/secrets mean locally. */
    private final class RuntimeEnvironment implements Intrinsics.Environment {
        @Override
        public Object ref(String name) {
            if (template.queues().containsKey(name)) {
                return queueUrl(name);
            }
            if (template.tables().containsKey(name) || template.buckets().containsKey(name)) {
                return template.physicalName(name);
            }
            if (template.functions().containsKey(name)) {
                return name;
            }
            return switch (name) {
                case "DatabaseUrl" -> postgres.jdbcUrl();
                case "DatabaseUser" -> postgres.user();
                case "DatabaseSecretArn" -> DB_SECRET_ARN;
                case "SubnetIds", "SecurityGroupIds" -> List.of();
                default -> {
                    if (template.hasResource(name)) {
                        yield name;
                    }
                    throw new IllegalArgumentException("!Ref " + name + " has no local value; pass --param " + name + "=...");
                }
            };
        }

        @Override
        public Object getAtt(String resource, String attribute) {
            if (template.queues().containsKey(resource)) {
                return switch (attribute) {
                    case "Arn" -> queueArn(resource);
                    case "QueueName" -> template.queues().get(resource).name();
                    case "QueueUrl" -> queueUrl(resource);
                    default -> throw new IllegalArgumentException("no local value for " + resource + "." + attribute);
                };
            }
            if (template.tables().containsKey(resource)) {
                if (attribute.equals("StreamArn")) {
                    return streamArn(resource);
                }
                return "arn:aws:dynamodb:us-east-1:000000000000:table/" + template.physicalName(resource);
            }
            if (template.buckets().containsKey(resource)) {
                String name = template.physicalName(resource);
                return attribute.equals("Arn") ? "arn:aws:s3:::" + name : s3Emulator.endpoint().getAuthority();
            }
            if (template.functions().containsKey(resource) && attribute.equals("Arn")) {
                return "arn:aws:lambda:us-east-1:000000000000:function:" + resource;
            }
            return resource + "." + attribute;
        }

        @Override
        public String dynamicReference(String reference) {
            if (reference.startsWith("secretsmanager:")) {
                // The only secret in the template is the database password.
                return postgres.password();
            }
            throw new IllegalArgumentException("dynamic reference {{resolve:" + reference + "}} has no local value");
        }

        @Override
        public boolean condition(String name) {
            throw new IllegalArgumentException("condition " + name + " is not defined");
        }
    }

    private List<HttpGateway.Binding> httpBindings() {
        List<HttpGateway.Binding> bindings = new ArrayList<>();
        for (LocalFunction function : functions.values()) {
            for (Specs.HttpApiEvent event : function.spec().httpApiEvents()) {
                bindings.add(new HttpGateway.Binding(HttpApiRoute.of(event.method(), event.path()), function,
                        TemplateAuth.tokenRequired(template, function.logicalId(), event.name())));
            }
        }
        return bindings;
    }

    private void startEventSources() {
        for (LocalFunction function : functions.values()) {
            for (Specs.SqsEvent mapping : function.spec().sqsEvents()) {
                if (!mapping.enabled()) {
                    continue;
                }
                int concurrency = mapping.maximumConcurrency().orElse(LocalOptions.DEFAULT_EVENT_SOURCE_CONCURRENCY);
                if (options.maxConcurrency().isPresent()) {
                    concurrency = Math.min(concurrency, options.maxConcurrency().getAsInt());
                }
                SqsEventSource source = new SqsEventSource(function, mapping, queueUrl(mapping.queueLogicalId()),
                        queueArn(mapping.queueLogicalId()), sqsClient, concurrency);
                if (!options.eventSourcesEnabled()) {
                    source.pause();
                }
                eventSources.add(source);
                source.start();
            }
        }
        schedules.addAll(ScheduleEventSource.start(template, functions.values(), options.eventSourcesEnabled()));
    }

    /** The template's DynamoDB stream events, each polling its table's stream through the Streams API. */
    private void startStreamEventSources() {
        for (LocalFunction function : functions.values()) {
            for (var mapping : template.dynamoDbStreamEvents(function.logicalId())) {
                if (!mapping.enabled()) {
                    continue;
                }
                String table = tableName(mapping.tableLogicalId());
                String streamArn = dynamoDbClient.describeTable(b -> b.tableName(table)).table().latestStreamArn();
                if (streamArn == null) {
                    throw new IllegalStateException(function.logicalId() + "." + mapping.name() + ": table " + table
                            + " has no stream; give it a StreamSpecification");
                }
                var streams = register(DynamoDbStreamsClient.builder()
                        .endpointOverride(dynamoDbEmulator.endpoint()).region(Region.US_EAST_1)
                        .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build());
                DynamoDbStreamEventSource source = new DynamoDbStreamEventSource(function, mapping, streamArn,
                        SamTemplate.REGION, streams);
                streamEventSources.add(source);
                source.start();
                if (!options.eventSourcesEnabled()) {
                    source.pause();
                }
            }
        }
    }

    // ---- public API ------------------------------------------------------------------------------------

    /** The local sign-in (its users, issuer, and a signer for tokens tests need). */
    public LocalIdentity identity() {
        return identity;
    }

    /** The gateway, e.g. {@code http://127.0.0.1:8080/}; the API is under {@code api/}. */
    public URI baseUrl() {
        return gateway.baseUrl();
    }

    public URI s3Endpoint() {
        return s3Emulator.endpoint();
    }

    public URI sqsEndpoint() {
        return sqsEmulator.endpoint();
    }

    /** DynamoDB and DynamoDB Streams: build a {@code DynamoDbStreamsClient} with this endpoint too. */
    public URI dynamoDbEndpoint() {
        return dynamoDbEmulator.endpoint();
    }

    /** The table's current stream (a new one at every start: the emulator keeps no stream records). */
    public String streamArn(String tableLogicalId) {
        String arn = streamArns.get(tableLogicalId);
        if (arn == null) {
            throw new IllegalArgumentException("table " + tableLogicalId + " has no stream (tables with one: "
                    + streamArns.keySet() + ")");
        }
        return arn;
    }

    /** The DynamoDB emulator's server process (it ends with this runtime). */
    public long dynamoDbServerPid() {
        return dynamoDbEmulator.serverPid();
    }

    /** A client of the S3 emulator (path-style, local credentials); owned by this runtime, do not close. */
    public S3Client s3Client() {
        return s3Client;
    }

    public SqsClient sqsClient() {
        return sqsClient;
    }

    public DynamoDbClient dynamoDbClient() {
        return dynamoDbClient;
    }

    /** Builds a new S3 client for this runtime's S3 (the caller closes it). */
    public S3Client newS3Client() {
        return newS3Client(s3Emulator.endpoint());
    }

    public String jdbcUrl() {
        return postgres.jdbcUrl();
    }

    public String dbUser() {
        return postgres.user();
    }

    public String dbPassword() {
        return postgres.password();
    }

    /** A new (unpooled) DataSource for database {@code sluice}. */
    public DataSource dataSource() {
        return postgres.dataSource();
    }

    /** The embedded PostgreSQL's superuser; empty when running against an external server. */
    public Optional<DataSource> postgresSuperuser() {
        return postgres.superuserDataSource();
    }

    public SamTemplate template() {
        return template;
    }

    public String queueUrl(String logicalId) {
        Specs.Queue queue = template.queues().get(logicalId);
        if (queue == null) {
            throw new IllegalArgumentException("template has no queue " + logicalId + " (queues: " + template.queues().keySet() + ")");
        }
        return sqsEmulator.endpoint() + "/" + SamTemplate.ACCOUNT_ID + "/" + queue.name();
    }

    public String queueArn(String logicalId) {
        Specs.Queue queue = template.queues().get(logicalId);
        if (queue == null) {
            throw new IllegalArgumentException("template has no queue " + logicalId);
        }
        return "arn:aws:sqs:" + SamTemplate.REGION + ":" + SamTemplate.ACCOUNT_ID + ":" + queue.name();
    }

    public String tableName(String logicalId) {
        if (!template.tables().containsKey(logicalId)) {
            throw new IllegalArgumentException("template has no table " + logicalId + " (tables: " + template.tables().keySet() + ")");
        }
        return template.tables().get(logicalId).name();
    }

    public String bucketName(String logicalId) {
        if (!template.buckets().containsKey(logicalId)) {
            throw new IllegalArgumentException("template has no bucket " + logicalId + " (buckets: " + template.buckets().keySet() + ")");
        }
        return template.buckets().get(logicalId).name();
    }

    /** The function as deployed locally (spec, environment, invoke). */
    public LocalFunction localFunction(String logicalId) {
        LocalFunction function = functions.get(logicalId);
        if (function == null) {
            throw new IllegalArgumentException("template has no function " + logicalId + " (functions: " + functions.keySet() + ")");
        }
        return function;
    }

    /** The handler instance that serves the function's invocations. */
    public Object function(String logicalId) {
        return localFunction(logicalId).handler();
    }

    public <T> T function(String logicalId, Class<T> type) {
        return type.cast(function(logicalId));
    }

    public Map<String, LocalFunction> functions() {
        return Map.copyOf(functions);
    }

    public List<SqsEventSource> eventSources() {
        return List.copyOf(eventSources);
    }

    /** The SQS event sources of a function (usually one). */
    public List<SqsEventSource> eventSources(String functionLogicalId) {
        return eventSources.stream().filter(s -> s.function().logicalId().equals(functionLogicalId)).toList();
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
        return streamEventSources.stream().filter(s -> s.function().logicalId().equals(functionLogicalId)).toList();
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
        synchronized (startupMillis) {
            return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(startupMillis));
        }
    }

    public Path dataDir() {
        return options.dataDir().toAbsolutePath().normalize();
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
        for (SqsEventSource source : eventSources) {
            source.close();
        }
        schedules.forEach(ScheduleEventSource::close);
        for (DynamoDbStreamEventSource source : streamEventSources) {
            source.close();
        }
        while (!closeables.isEmpty()) {
            AutoCloseable closeable = closeables.pop();
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
            }
        }
        dataDirLock = null;
    }
}
