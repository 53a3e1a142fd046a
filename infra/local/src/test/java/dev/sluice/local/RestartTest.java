package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Stop and start with the same data dir loses nothing. */
class RestartTest {
    @TempDir
    Path dataDir;

    private LocalOptions options(int visibilityTimeout) {
        return LocalOptions.builder().port(0).dataDir(dataDir).eventSourcesEnabled(false)
                .visibilityTimeoutOverride(visibilityTimeout).build();
    }

    @Test
    void objectsItemsRowsAndQueuedMessagesSurviveARestart() throws Exception {
        try (LocalSluice first = LocalSluice.start(options(7))) {
            first.s3Client().putObject(b -> b.bucket(first.bucketName("UploadBucket")).key("kept/a.csv"),
                    RequestBody.fromString("a,b\n1,2\n"));
            first.dynamoDbClient().putItem(b -> b.tableName(first.tableName("RunsTable")).item(Map.of(
                    "pk", AttributeValue.fromS("RUN#1"), "sk", AttributeValue.fromS("RUN"),
                    "status", AttributeValue.fromS("LOADING"))));
            try (Connection connection = first.dataSource().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS restart_probe (id int primary key, note text)");
                statement.execute("INSERT INTO restart_probe VALUES (1, 'kept') ON CONFLICT DO NOTHING");
            }
            first.sqsClient().sendMessage(b -> b.queueUrl(first.queueUrl("ChunkDLQ")).messageBody("dead chunk"));
            assertEquals("7", visibility(first));
        }
        assertTrue(Files.isDirectory(dataDir.resolve("postgres")), "data dir kept");

        try (LocalSluice second = LocalSluice.start(options(9))) {
            assertEquals("a,b\n1,2\n", second.s3Client()
                    .getObjectAsBytes(b -> b.bucket(second.bucketName("UploadBucket")).key("kept/a.csv"))
                    .asUtf8String());
            assertEquals("LOADING", second.dynamoDbClient()
                    .getItem(b -> b.tableName(second.tableName("RunsTable")).key(Map.of(
                            "pk", AttributeValue.fromS("RUN#1"), "sk", AttributeValue.fromS("RUN"))))
                    .item().get("status").s());
            try (Connection connection = second.dataSource().getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT note FROM restart_probe WHERE id = 1")) {
                assertTrue(rows.next());
                assertEquals("kept", rows.getString(1));
            }
            var messages = second.sqsClient()
                    .receiveMessage(b -> b.queueUrl(second.queueUrl("ChunkDLQ")).waitTimeSeconds(2)).messages();
            assertEquals(1, messages.size(), "queued message kept");
            assertEquals("dead chunk", messages.getFirst().body());
            assertEquals("9", visibility(second), "queue attributes follow the template/options of the new start");
            assertTrue(second.startupMillis().containsKey("total"));
        }
    }

    private static String visibility(LocalSluice sluice) {
        return sluice.sqsClient().getQueueAttributes(b -> b.queueUrl(sluice.queueUrl("ChunkQueue"))
                .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT))
                .attributes().get(QueueAttributeName.VISIBILITY_TIMEOUT);
    }
}
