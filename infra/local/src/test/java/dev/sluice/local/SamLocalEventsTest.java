package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sluice.local.function.DynamodbEventJson;
import dev.sluice.local.template.SamTemplate;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code events/} for {@code sam local invoke}: every file is the event of a function the template declares and
 * parses into the type that function's handler takes, every function has at least one, and the env-vars file names
 * every function and only variables the template declares for it (sam local ignores any other), the same ones
 * {@code serve} writes with its live endpoints.
 */
@ExtendWith(SharedStack.class)
class SamLocalEventsTest {
    /** Which function each event file is for. */
    private static final Map<String, String> FUNCTION_OF = Map.ofEntries(
            Map.entry("api-post-uploads.json", "ApiFunction"),
            Map.entry("api-list-runs.json", "ApiFunction"),
            Map.entry("api-get-run.json", "ApiFunction"),
            Map.entry("api-get-run-records.json", "ApiFunction"),
            Map.entry("api-get-run-errors.json", "ApiFunction"),
            Map.entry("sqs-ingest-s3-event.json", "SplitFunction"),
            Map.entry("sqs-chunk-message.json", "LoadFunction"),
            Map.entry("sqs-dead-chunk.json", "DeadChunkFunction"),
            Map.entry("sqs-delivery.json", "DeliveryFunction"),
            Map.entry("sqs-publish-run.json", "PublishFunction"),
            Map.entry("schedule-expire-runs.json", "ExpireRunsFunction"),
            Map.entry("schedule-reconcile.json", "ReconcileFunction"),
            Map.entry("websocket-authorizer.json", "SocketAuthorizerFunction"),
            Map.entry("websocket-connect.json", "SocketFunction"),
            Map.entry("websocket-disconnect.json", "SocketFunction"),
            Map.entry("websocket-subscribe.json", "SocketFunction"),
            Map.entry("dynamodb-stream-run-progress.json", "ProgressFunction"),
            Map.entry("cfn-migrations-create.json", "MigrateFunction"),
            Map.entry("cfn-site-config-create.json", "SiteConfigFunction"),
            Map.entry("schedule-pull-source.json", "PullFunction"));
    /** Fields API Gateway sends that aws-lambda-java-events 3.16 has no property for ($disconnect's status). */
    private static final Set<String> UNMODELLED = Set.of("disconnectStatusCode", "disconnectReason");
    /** Not events of a function: the S3 notification inside the ingest message's body, and the env-vars file. */
    private static final Set<String> NOT_EVENTS = Set.of("s3-object-created.json", "sam-local-env.json");
    /**
     * Field names as the Lambda runtime's serializer reads them (e.g. {@code Records}, {@code eventSourceARN});
     * any field the Java type does not know fails the test, so a typo cannot hide.
     */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addHandler(new DeserializationProblemHandler() {
                @Override
                public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser,
                        JsonDeserializer<?> deserializer, Object bean, String property) throws IOException {
                    if (!UNMODELLED.contains(property)) {
                        return false;
                    }
                    parser.skipChildren();
                    return true;
                }
            }).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path repository() {
        return SamTemplate.locate(Path.of("")).orElseThrow().getParent();
    }

    private static List<Path> eventFiles() throws Exception {
        try (Stream<Path> files = Files.list(repository().resolve("events"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void everyEventParsesIntoTheTypeItsFunctionTakesAndEveryFunctionHasOne(LocalSluice sluice) throws Exception {
        SamTemplate template = sluice.template();
        List<String> problems = new ArrayList<>();
        Set<String> covered = new TreeSet<>();
        for (Path file : eventFiles()) {
            String name = file.getFileName().toString();
            if (NOT_EVENTS.contains(name)) {
                continue;
            }
            String function = FUNCTION_OF.get(name);
            if (function == null || !template.functions().containsKey(function)) {
                problems.add(name + ": not the event of a function in template.yaml (" + function + ")");
                continue;
            }
            covered.add(function);
            Class<?> type = eventType(template.functions().get(function).handlerClass(),
                    template.functions().get(function).handlerMethod());
            try {
                check(name, type, parse(Files.readString(file), type));
            } catch (Exception | AssertionError e) {
                problems.add(name + " as " + type.getSimpleName() + " for " + function + ": " + e.getMessage());
            }
        }
        Set<String> missing = new TreeSet<>(template.functions().keySet());
        missing.removeAll(covered);
        assertTrue(missing.isEmpty(), "functions without an event file: " + missing);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        // The S3 notification is the body SplitFunction parses itself (EventFixturesTest checks its shape).
        assertEquals("ObjectCreated:Put", JSON.readTree(repository().resolve("events/s3-object-created.json")
                .toFile()).at("/Records/0/eventName").asText());
    }

    @Test
    void theEnvVarsFileNamesEveryFunctionAndOnlyDeclaredVariablesAsServeWritesIt(LocalSluice sluice)
            throws Exception {
        SamTemplate template = sluice.template();
        Map<String, Map<String, String>> committed = JSON.readValue(
                repository().resolve("events/sam-local-env.json").toFile(), new TypeReference<>() { });
        Map<String, Map<String, String>> written = JSON.readValue(
                sluice.dataDir().resolve("sam-local-env.json").toFile(), new TypeReference<>() { });
        assertEquals(new TreeSet<>(template.functions().keySet()), new TreeSet<>(committed.keySet()));
        for (String function : template.functions().keySet()) {
            Set<String> declared = template.functions().get(function).environment().keySet();
            assertTrue(declared.containsAll(committed.get(function).keySet()),
                    function + " declares " + declared + " but the file sets " + committed.get(function).keySet());
            assertEquals(new TreeSet<>(written.get(function).keySet()),
                    new TreeSet<>(committed.get(function).keySet()), function + ": serve writes other names");
        }
        Map<String, String> load = written.get("LoadFunction");
        assertEquals(sluice.sqsEndpoint().toString(), load.get("SLUICE_SQS_ENDPOINT"));
        assertEquals(sluice.s3Endpoint().toString(), load.get("SLUICE_S3_ENDPOINT"));
        assertEquals(sluice.dynamoDbEndpoint().toString(), load.get("SLUICE_DYNAMODB_ENDPOINT"));
        assertEquals(sluice.jdbcUrl(), load.get("DB_URL"));
        assertEquals("", load.get("DB_SECRET_ARN"), "the password in the file is used, not a secret");
        assertEquals("true", load.get("SLUICE_LOCAL"), "no X-Ray daemon under sam local");
        assertEquals(sluice.queueUrl("ChunkQueue"), load.get("CHUNK_QUEUE_URL"));
        assertEquals(new TreeMap<>(SamLocalEnvironment.of(sluice.functions())), new TreeMap<>(written));
    }

    private static Object parse(String json, Class<?> type) throws Exception {
        if (type == DynamodbEvent.class) {
            // The runtime reads DynamoDB attribute values with its own mix-ins; the local runtime's converter does
            // the same and is checked against what the stream emulation sends (DynamoDbStreamTest).
            return DynamodbEventJson.toEvent(JSON.readTree(json));
        }
        return STRICT.readValue(json, type);
    }

    private static void check(String name, Class<?> type, Object event) {
        if (event instanceof APIGatewayV2HTTPEvent http) {
            Map<String, String> claims = http.getRequestContext().getAuthorizer().getJwt().getClaims();
            assertNotNull(claims.get("sub"), "claims.sub");
            assertTrue(claims.get("cognito:groups").startsWith("["), "groups stringified as API Gateway does");
            assertTrue(http.getRawPath().startsWith("/api/"), "rawPath");
            assertNotNull(http.getRequestContext().getHttp().getMethod(), "method");
        } else if (event instanceof SQSEvent sqs) {
            assertFalse(sqs.getRecords().isEmpty(), "records");
            sqs.getRecords().forEach(record -> {
                assertEquals("aws:sqs", record.getEventSource());
                assertNotNull(record.getBody(), "body");
                assertNotNull(record.getEventSourceArn(), "eventSourceARN");
            });
        } else if (event instanceof APIGatewayV2WebSocketEvent socket) {
            assertNotNull(socket.getRequestContext().getConnectionId(), "connectionId");
            assertNotNull(socket.getRequestContext().getEventType(), "eventType");
        } else if (event instanceof DynamodbEvent stream) {
            assertFalse(stream.getRecords().isEmpty(), "records");
        } else if (event instanceof Map<?, ?> map) {
            assertFalse(map.isEmpty(), name + " is empty");
        } else {
            throw new AssertionError("no check for " + type);
        }
    }

    /** What the handler method takes, found the way the Lambda runtime finds the method. */
    private static Class<?> eventType(String handlerClass, String handlerMethod) throws Exception {
        for (Method method : Class.forName(handlerClass).getMethods()) {
            if (method.getName().equals(handlerMethod) && !method.isBridge() && method.getParameterCount() == 2
                    && Context.class.isAssignableFrom(method.getParameterTypes()[1])) {
                return method.getParameterTypes()[0];
            }
        }
        throw new AssertionError(handlerClass + "::" + handlerMethod + " not found");
    }
}
