package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.local.template.CloudFormationYaml;
import dev.sluice.local.template.Intrinsics;
import dev.sluice.local.template.SamTemplate;
import dev.sluice.local.template.Specs;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The local runtime's view of the real template.yaml. */
class SamTemplateTest {
    private static SamTemplate template(Map<String, String> parameters) throws Exception {
        Path file = SamTemplate.locate(Path.of("")).orElseThrow(() -> new AssertionError("template.yaml not found"));
        return SamTemplate.read(file, parameters);
    }

    @Test
    void functionsComeWithHandlersTimeoutsAndEventMappings() throws Exception {
        SamTemplate template = template(Map.of());
        assertTrue(template.functions().keySet().containsAll(List.of("ApiFunction", "SplitFunction", "LoadFunction",
                "DeadChunkFunction", "MigrateFunction", "SiteConfigFunction",
                "ExpireRunsFunction", "SocketFunction", "ProgressFunction")),
                template.functions().keySet()::toString);

        Specs.Function api = template.functions().get("ApiFunction");
        assertEquals("dev.sluice.adapter.in.lambda.ApiFunction", api.handlerClass());
        assertEquals("handleRequest", api.handlerMethod());
        assertEquals(29, api.timeoutSeconds());
        assertEquals(List.of(new Specs.HttpApiEvent("Api", "/api/{proxy+}", "ANY"),
                new Specs.HttpApiEvent("AdminRuns", "/api/admin/runs", "GET"),
                new Specs.HttpApiEvent("Health", "/api/health", "GET"),
                new Specs.HttpApiEvent("Stats", "/api/stats", "GET")), api.httpApiEvents());
        // A load balancer calls health and stats without a token; the admin listing is behind the sign-in.
        assertEquals(List.of(true, true, false, false), api.httpApiEvents().stream()
                .map(e -> dev.sluice.local.auth.TemplateAuth.tokenRequired(template, "ApiFunction", e.name()))
                .toList());

        Specs.Function split = template.functions().get("SplitFunction");
        assertEquals(900, split.timeoutSeconds());
        assertEquals(List.of(new Specs.SqsEvent("Ingest", "IngestQueue", 1, true, Optional.of(5), true)),
                split.sqsEvents());

        Specs.Function load = template.functions().get("LoadFunction");
        assertEquals(120, load.timeoutSeconds(), "Globals.Timeout");
        assertEquals(List.of(new Specs.SqsEvent("Chunks", "ChunkQueue", 1, true, Optional.of(8), true)),
                load.sqsEvents());

        Specs.Function dead = template.functions().get("DeadChunkFunction");
        assertEquals(512, dead.memorySizeMb());
        assertEquals("ChunkDLQ", dead.sqsEvents().getFirst().queueLogicalId());
        assertEquals(10, dead.sqsEvents().getFirst().batchSize());

        assertTrue(load.environment().containsKey("DB_SECRET_ARN"), "the function's own environment");
        assertEquals("5", load.environment().get("INGEST_MAX_RECEIVE_COUNT"), "Globals environment merged in");
        assertFalse(split.environment().containsKey("DB_URL"), "the splitter never reaches Aurora");
    }

    @Test
    void parameterOverridesReachEventMappings() throws Exception {
        SamTemplate template = template(Map.of("LoadConcurrency", "4", "ChunkBytes", "1048576"));
        assertEquals(Optional.of(4),
                template.functions().get("LoadFunction").sqsEvents().getFirst().maximumConcurrency());
        assertEquals("1048576", template.parameterValues().get("ChunkBytes"));
    }

    @Test
    void queuesKeepVisibilityTimeoutsAndRedrive() throws Exception {
        SamTemplate template = template(Map.of());
        Specs.Queue ingest = template.queues().get("IngestQueue");
        assertEquals(5400, ingest.visibilityTimeoutSeconds());
        assertEquals(Optional.of(new Specs.Redrive("IngestDLQ", 5)), ingest.redrive());
        Specs.Queue chunks = template.queues().get("ChunkQueue");
        assertEquals(720, chunks.visibilityTimeoutSeconds());
        assertEquals(345_600, chunks.messageRetentionSeconds());
        assertEquals(Optional.of(new Specs.Redrive("ChunkDLQ", 5)), chunks.redrive());
        assertEquals(Optional.empty(), template.queues().get("ChunkDLQ").redrive());
        // Lambda needs a source queue's visibility timeout >= the function timeout (DeadChunkFunction: 60 s); 6x.
        assertEquals(6 * template.functions().get("DeadChunkFunction").timeoutSeconds(),
                template.queues().get("ChunkDLQ").visibilityTimeoutSeconds());
        assertEquals(30, template.queues().get("IngestDLQ").visibilityTimeoutSeconds(), "SQS default");
    }

    @Test
    void visibilityTimeoutsAreParametersSoDevelopmentCanShortenThem() throws Exception {
        SamTemplate template = template(Map.of("ChunkVisibilityTimeout", "30", "IngestVisibilityTimeout", "45"));
        assertEquals(30, template.queues().get("ChunkQueue").visibilityTimeoutSeconds());
        assertEquals(45, template.queues().get("IngestQueue").visibilityTimeoutSeconds());
    }

    @Test
    void tableHasKeysIndexesAndStream() throws Exception {
        Specs.Table table = template(Map.of()).tables().get("RunsTable");
        assertEquals(List.of(new Specs.KeyElement("pk", "HASH"), new Specs.KeyElement("sk", "RANGE")),
                table.keySchema());
        assertEquals(List.of("RunsByOwner", "RunsByStatus", "SubscribersByRun", "RunsByDataset"),
                table.globalSecondaryIndexes().stream().map(Specs.Index::name).toList());
        assertEquals("INCLUDE", table.globalSecondaryIndexes().get(2).projectionType());
        assertEquals(List.of("seen", "expiresAt"), table.globalSecondaryIndexes().get(2).nonKeyAttributes());
        assertEquals(10, table.attributeTypes().size());
        assertEquals(Optional.of("NEW_AND_OLD_IMAGES"), table.streamViewType());
        assertEquals(Optional.of("expiresAt"), table.timeToLiveAttribute());
    }

    @Test
    void bucketNotificationsGoToIngestQueueByPrefix() throws Exception {
        Specs.Bucket bucket = template(Map.of()).buckets().get("UploadBucket");
        assertEquals("sluice-uploads-000000000000", bucket.name());
        assertEquals(List.of("uploads/", "drop/", "pulls/"),
                bucket.queueNotifications().stream().map(Specs.QueueNotification::prefix).toList());
        Specs.QueueNotification uploads = bucket.queueNotifications().getFirst();
        assertEquals("IngestQueue", uploads.queueLogicalId());
        assertTrue(uploads.matches("ObjectCreated:Put", "uploads/a/b.csv"));
        assertTrue(uploads.matches("ObjectCreated:CompleteMultipartUpload", "uploads/a/b.csv"));
        assertTrue(!uploads.matches("ObjectCreated:Put", "other/uploads/b.csv"));
        assertTrue(!uploads.matches("ObjectRemoved:Delete", "uploads/a/b.csv"));
    }

    @Test
    void shortFormIntrinsicsParseAndResolve() {
        Map<String, Object> raw = CloudFormationYaml.load(new StringReader("""
                a: !Ref Thing
                b: !GetAtt Queue.Arn
                c: !Sub 'x-${AWS::Region}-${Thing}-${Queue.QueueName}-${!Literal}'
                d: !Join [',', [!Ref Thing, 'y']]
                e: !Sub '{{resolve:secretsmanager:${Thing}:SecretString:password}}'
                f: !If [IsLocal, 1, 2]
                g: !Select [1, !Split ['/', 'p/q/r']]
                """));
        Intrinsics intrinsics = new Intrinsics(new Intrinsics.Environment() {
            @Override
            public Object ref(String name) {
                return name.equals("AWS::Region") ? "us-east-1" : "thing";
            }

            @Override
            public Object getAtt(String resource, String attribute) {
                return resource + "/" + attribute;
            }

            @Override
            public String dynamicReference(String reference) {
                return "secret(" + reference + ")";
            }

            @Override
            public boolean condition(String name) {
                return name.equals("IsLocal");
            }
        });
        Map<?, ?> resolved = (Map<?, ?>) intrinsics.resolve(raw);
        assertEquals("thing", resolved.get("a"));
        assertEquals("Queue/Arn", resolved.get("b"));
        assertEquals("x-us-east-1-thing-Queue/QueueName-${Literal}", resolved.get("c"));
        assertEquals("thing,y", resolved.get("d"));
        assertEquals("secret(secretsmanager:thing:SecretString:password)", resolved.get("e"));
        assertEquals(1, resolved.get("f"));
        assertEquals("q", resolved.get("g"));
    }

    @Test
    void aResourceTypeNeitherEmulatedNorIgnoredStopsTheTemplateLoading() {
        String yaml = """
                Resources:
                  Stream:
                    Type: AWS::Kinesis::Stream
                    Properties: { ShardCount: 1 }
                """;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SamTemplate.read(new StringReader(yaml), Map.of()));
        assertTrue(e.getMessage().contains("Stream") && e.getMessage().contains("AWS::Kinesis::Stream"),
                e.getMessage());
        assertTrue(e.getMessage().contains("IGNORED_TYPES"), e.getMessage());
    }

    @Test
    void ignoredTypesAndCustomResourcesLoadWithoutBeingEmulated() throws Exception {
        SamTemplate template = template(Map.of());
        Map<String, Object> resources = Values.resources(template);
        assertEquals("AWS::RDS::DBCluster", Values.type(resources, "DatabaseCluster"));
        assertEquals("AWS::CloudFront::Distribution", Values.type(resources, "SiteDistribution"));
        assertTrue(Values.type(resources, "DatabaseMigrations").startsWith("Custom::"));
        assertFalse(template.buckets().containsKey("SiteBucket") && template.queues().containsKey("UserPool"));
    }

    @Test
    void theDatabaseIsSuppliedByTheLocalRuntimeUnlessOverridden() throws Exception {
        SamTemplate template = template(Map.of());
        assertFalse(template.parameterValues().containsKey("DatabaseUrl"), "empty default defers to the runtime");
        Object dbUrl = template.functions().get("LoadFunction").environment().get("DB_URL");
        Intrinsics local = template.intrinsics(new FixedEnvironment("jdbc:postgresql://127.0.0.1:5999/sluice"));
        assertEquals("jdbc:postgresql://127.0.0.1:5999/sluice", local.resolveString(dbUrl));

        SamTemplate external = template(Map.of("DatabaseUrl", "jdbc:postgresql://db.example:5432/x"));
        Object externalUrl = external.functions().get("LoadFunction").environment().get("DB_URL");
        assertEquals("jdbc:postgresql://db.example:5432/x",
                external.intrinsics(new FixedEnvironment("unused")).resolveString(externalUrl));
    }

    /** A runtime that supplies only the database URL; any reference to an AWS-only resource fails the test. */
    private record FixedEnvironment(String jdbcUrl) implements Intrinsics.Environment {
        @Override
        public Object ref(String name) {
            if (name.equals("DatabaseUrl")) {
                return jdbcUrl;
            }
            throw new AssertionError("unexpected !Ref " + name);
        }

        @Override
        public Object getAtt(String resource, String attribute) {
            throw new AssertionError("unexpected !GetAtt " + resource + "." + attribute);
        }

        @Override
        public String dynamicReference(String reference) {
            throw new AssertionError("unexpected dynamic reference " + reference);
        }

        @Override
        public boolean condition(String name) {
            throw new AssertionError("unexpected condition " + name);
        }
    }

    /** Reads resource types from the raw template. */
    private static final class Values {
        static Map<String, Object> resources(SamTemplate template) {
            return cast(template.raw().get("Resources"));
        }

        static String type(Map<String, Object> resources, String logicalId) {
            return String.valueOf(cast(resources.get(logicalId)).get("Type"));
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> cast(Object value) {
            return (Map<String, Object>) value;
        }
    }
}
