package dev.sluice.local.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** moto keeps tables in memory; the emulator's journal and snapshots keep them across ends of every kind. */
class MotoDynamoDbTest {
    @TempDir
    Path dir;

    @Test
    void writesSurviveAnAbruptEndAndAreAppliedOnceHoweverOftenItRestarts() throws Exception {
        MotoDynamoDb first = started();
        long motoPid = first.serverPid();
        try (DynamoDbClient dynamo = client(first)) {
            for (int i = 0; i < 3; i++) {
                dynamo.updateItem(b -> b.tableName("t").key(key()).updateExpression("ADD n :one")
                        .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
            }
        }
        first.abandon(); // as after kill -9: no snapshot, only the journal
        assertFalse(ProcessHandle.of(motoPid).map(ProcessHandle::isAlive).orElse(false), "moto ended");

        for (int start = 0; start < 3; start++) {
            MotoDynamoDb next = started();
            try (DynamoDbClient dynamo = client(next)) {
                assertEquals("3", dynamo.getItem(b -> b.tableName("t").key(key())).item().get("n").n(),
                        "start " + start + ": each ADD applied once");
            }
            if (start == 0) {
                next.abandon(); // right after a restore that rolled the journal into a snapshot
            } else {
                next.close();
            }
        }
        try (var files = Files.list(dir.resolve("dynamodb"))) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("snapshot-")).count(),
                    "older generations are deleted");
        }
    }

    @Test
    void theServerEndsWhenItsParentsPipeCloses() throws Exception {
        MotoDynamoDb emulator = started();
        ProcessHandle moto = ProcessHandle.of(emulator.serverPid()).orElseThrow();
        emulator.close();
        assertTrue(moto.onExit().get(10, TimeUnit.SECONDS) != null);
        assertFalse(moto.isAlive());
    }

    /** moto-child.py lets queries skip moto's sort of the whole table: matches and their order must not change. */
    @Test
    void queriesReturnTheirPartitionInKeyOrderPageByPageAndAreCounted() throws Exception {
        try (MotoDynamoDb emulator = MotoDynamoDb.start(dir.resolve("dynamodb"), dir.resolve("moto.log"));
                DynamoDbClient dynamo = client(emulator)) {
            dynamo.createTable(b -> b.tableName("q").billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(attribute("pk"), attribute("sk"), attribute("g"), attribute("gs"))
                    .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                    .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("ByG")
                            .keySchema(key("g", KeyType.HASH), key("gs", KeyType.RANGE))
                            .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build()));
            emulator.restore();
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(42));
            for (int i : order) {
                String n = String.format("%02d", i);
                dynamo.putItem(b -> b.tableName("q").item(Map.of("pk", AttributeValue.fromS("P" + i % 3),
                        "sk", AttributeValue.fromS(n), "g", AttributeValue.fromS("G" + i % 2),
                        "gs", AttributeValue.fromS(n))));
            }
            List<String> byIndex = new ArrayList<>();
            dynamo.queryPaginator(b -> b.tableName("q").indexName("ByG").keyConditionExpression("g = :g")
                    .expressionAttributeValues(Map.of(":g", AttributeValue.fromS("G1"))).limit(7))
                    .items().forEach(item -> byIndex.add(item.get("gs").s()));
            List<String> byPartition = new ArrayList<>();
            dynamo.queryPaginator(b -> b.tableName("q").keyConditionExpression("pk = :p AND sk < :s")
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("P2"),
                            ":s", AttributeValue.fromS("50")))
                    .scanIndexForward(false).limit(4))
                    .items().forEach(item -> byPartition.add(item.get("sk").s()));
            List<String> odd = new ArrayList<>();
            List<String> thirds = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                if (i % 2 == 1) {
                    odd.add(String.format("%02d", i));
                }
                if (i % 3 == 2 && i < 50) {
                    thirds.add(0, String.format("%02d", i));
                }
            }
            assertEquals(odd, byIndex);
            assertEquals(thirds, byPartition);
            assertEquals(0, dynamo.query(b -> b.tableName("q").keyConditionExpression("pk = :p")
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("none")))).count());
            assertEquals(60, emulator.calls().snapshot().get("PutItem q").calls());
            assertTrue(emulator.calls().snapshot().get("Query q/ByG").calls() >= 5, "one call per page");
        }
    }

    /** moto-child.py writes item answers with json.dumps instead of moto's serializer: every type must come back. */
    @Test
    void itemAnswersKeepEveryAttributeTypeAndErrorsStayErrors() throws Exception {
        try (MotoDynamoDb emulator = started(); DynamoDbClient dynamo = client(emulator)) {
            Map<String, AttributeValue> item = new HashMap<>(key());
            item.put("s", AttributeValue.fromS("Café \"crème\" \u2603"));
            item.put("n", AttributeValue.fromN("12.50"));
            item.put("b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, (byte) 0xff})));
            item.put("t", AttributeValue.fromBool(false));
            item.put("z", AttributeValue.fromNul(true));
            item.put("l", AttributeValue.fromL(List.of(AttributeValue.fromS("x"), AttributeValue.fromN("1"))));
            item.put("m", AttributeValue.fromM(Map.of("inner", AttributeValue.fromSs(List.of("a", "b")))));
            item.put("ns", AttributeValue.fromNs(List.of("1", "2.5")));
            item.put("bs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("q"))));
            dynamo.putItem(b -> b.tableName("t").item(item));

            assertEquals(item, dynamo.getItem(b -> b.tableName("t").key(key())).item());
            Map<String, AttributeValue> updated = dynamo.updateItem(b -> b.tableName("t").key(key())
                    .updateExpression("SET n = n + :one").returnValues(ReturnValue.ALL_NEW)
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))).attributes();
            assertEquals("13.50", updated.get("n").n());
            assertEquals(item.get("b"), updated.get("b"));
            assertFalse(dynamo.getItem(b -> b.tableName("t").key(Map.of("pk", AttributeValue.fromS("none"))))
                    .hasItem(), "a missing item is no item, not an empty one");
            assertEquals(item.get("m"), dynamo.batchGetItem(b -> b.requestItems(Map.of("t",
                    KeysAndAttributes.builder().keys(List.of(key())).build()))).responses().get("t").get(0).get("m"));
            assertThrows(ConditionalCheckFailedException.class, () -> dynamo.putItem(b -> b.tableName("t")
                    .item(item).conditionExpression("attribute_not_exists(pk)")));
        }
    }

    /**
     * The emulator keeps each update expression's parse and hands out copies: the same text applied again, to a
     * missing item and to existing ones with other values, must act afresh each time, and a bad one must fail each
     * time.
     */
    @Test
    void aRepeatedUpdateExpressionActsAfreshEachTimeAndABadOneFailsEachTime() throws Exception {
        String expression = "SET #n = if_not_exists(#n, :zero) + :add, tags = list_append(if_not_exists(tags, :none),"
                + " :tag) REMOVE gone";
        try (MotoDynamoDb emulator = started(); DynamoDbClient dynamo = client(emulator)) {
            dynamo.putItem(b -> b.tableName("t").item(Map.of("pk", AttributeValue.fromS("b"),
                    "gone", AttributeValue.fromS("x"))));
            String[][] updates = {{"a", "2", "x"}, {"a", "3", "y"}, {"b", "7", "z"}, {"a", "10", "w"}};
            for (String[] update : updates) {
                dynamo.updateItem(b -> b.tableName("t").key(Map.of("pk", AttributeValue.fromS(update[0])))
                        .updateExpression(expression).expressionAttributeNames(Map.of("#n", "n"))
                        .expressionAttributeValues(Map.of(":zero", AttributeValue.fromN("0"),
                                ":add", AttributeValue.fromN(update[1]), ":none", AttributeValue.fromL(List.of()),
                                ":tag", AttributeValue.fromL(List.of(AttributeValue.fromS(update[2]))))));
            }
            Map<String, AttributeValue> a = dynamo.getItem(b -> b.tableName("t")
                    .key(Map.of("pk", AttributeValue.fromS("a")))).item();
            Map<String, AttributeValue> b = dynamo.getItem(r -> r.tableName("t")
                    .key(Map.of("pk", AttributeValue.fromS("b")))).item();
            assertEquals("15", a.get("n").n());
            assertEquals(List.of("x", "y", "w"), a.get("tags").l().stream().map(AttributeValue::s).toList());
            assertEquals("7", b.get("n").n());
            assertEquals(List.of("z"), b.get("tags").l().stream().map(AttributeValue::s).toList());
            assertFalse(b.containsKey("gone"), b::toString);
            for (int attempt = 0; attempt < 2; attempt++) {
                DynamoDbException refused = assertThrows(DynamoDbException.class, () -> dynamo.updateItem(r -> r
                        .tableName("t").key(key()).updateExpression("SET = :v")
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("1")))));
                assertEquals(400, refused.statusCode());
            }
        }
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private MotoDynamoDb started() throws Exception {
        MotoDynamoDb emulator = MotoDynamoDb.start(dir.resolve("dynamodb"), dir.resolve("moto.log"));
        try (DynamoDbClient dynamo = client(emulator)) {
            dynamo.createTable(b -> b.tableName("t").billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                            .attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
        }
        emulator.restore();
        return emulator;
    }

    private static Map<String, AttributeValue> key() {
        return Map.of("pk", AttributeValue.fromS("counter"));
    }

    private static DynamoDbClient client(MotoDynamoDb emulator) {
        return DynamoDbClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }
}
