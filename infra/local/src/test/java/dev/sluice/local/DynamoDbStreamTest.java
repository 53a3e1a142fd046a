package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sluice.adapter.out.dynamodb.DynamoRunRepository;
import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.Run.RunSource;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The runs table's stream, read the way live progress will read it: DescribeStream, GetShardIterator and
 * GetRecords through the SDK's streams client, on the same endpoint as DynamoDB.
 */
@ExtendWith(SharedStack.class)
class DynamoDbStreamTest {

    @Test
    void aRunsChangesAppearOnTheStreamInOrderWithOldAndNewImages(LocalSluice sluice) {
        String table = sluice.tableName("RunsTable");
        DynamoRunRepository runs = new DynamoRunRepository(sluice.dynamoDbClient(), table, Clock.systemUTC());
        String runId = UUID.randomUUID().toString();
        runs.create(Run.created(runId, "local", "default", "f.csv", "b", "uploads/local/" + runId + "/f.csv",
                RunSource.UPLOAD, RunStatus.CREATED, 100, Map.of(), Clock.systemUTC().instant()));
        runs.startSplitting(runId, new ObjectVersion("0123456789abcdef0123456789abcdef", null), 100);
        runs.finishSplitting(runId, 30, 2);
        runs.countChunk(runId, 1, 10, 0, 40);
        runs.countChunk(runId, 1, 10, 0, 40);
        runs.countChunk(runId, 2, 19, 1, 60);
        runs.finishIfComplete(runId);

        try (DynamoDbStreamsClient streams = DynamoDbStreamsClient.builder().endpointOverride(sluice.dynamoDbEndpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        LocalSluice.ACCESS_KEY_ID, LocalSluice.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            StreamDescription stream = streams.describeStream(b -> b.streamArn(sluice.streamArn("RunsTable")))
                    .streamDescription();
            assertEquals(StreamViewType.NEW_AND_OLD_IMAGES, stream.streamViewType());
            assertFalse(stream.shards().isEmpty(), "the stream has a shard");
            String shardId = stream.shards().getFirst().shardId();

            List<Record> ofThisRun = Poll.until(Duration.ofSeconds(20), "the run's stream records",
                    () -> runItemRecords(streams, stream.streamArn(), shardId, runId), records -> records.size() >= 6);

            List<String> events = ofThisRun.stream().map(r -> r.eventNameAsString()).toList();
            assertEquals(List.of("INSERT", "MODIFY", "MODIFY", "MODIFY", "MODIFY", "MODIFY"), events,
                    "create, splitting, loading, two counted chunks (the repeat changes nothing), publishing");
            assertEquals(List.of("CREATED", "SPLITTING", "LOADING", "LOADING", "LOADING", "PUBLISHING"),
                    ofThisRun.stream().map(r -> r.dynamodb().newImage().get("status").s()).toList());
            assertEquals(List.of("0", "10", "29", "29"), ofThisRun.subList(2, 6).stream()
                    .map(r -> number(r.dynamodb().newImage(), "stored")).toList(), "stored grows chunk by chunk");
            assertFalse(ofThisRun.getFirst().dynamodb().hasOldImage(), "an INSERT has no old image");
            for (int i = 1; i < ofThisRun.size(); i++) {
                assertEquals(ofThisRun.get(i - 1).dynamodb().newImage(), ofThisRun.get(i).dynamodb().oldImage(),
                        "record " + i + "'s old image is the previous record's new image");
            }
        }
    }

    /** Every record of the shard from its start, reading pages until the shard has nothing more for now. */
    private static List<Record> runItemRecords(DynamoDbStreamsClient streams, String streamArn, String shardId,
            String runId) {
        String iterator = streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        List<Record> ofThisRun = new ArrayList<>();
        while (iterator != null) {
            String current = iterator;
            var page = streams.getRecords(b -> b.shardIterator(current).limit(1000));
            for (Record record : page.records()) {
                Map<String, AttributeValue> keys = record.dynamodb().keys();
                if (keys.get("pk").s().equals("RUN#" + runId) && keys.get("sk").s().equals("RUN")) {
                    ofThisRun.add(record);
                }
            }
            iterator = page.records().isEmpty() ? null : page.nextShardIterator();
        }
        return ofThisRun;
    }

    private static String number(Map<String, AttributeValue> image, String name) {
        AttributeValue value = image.get(name);
        return value == null ? "0" : value.n();
    }
}
