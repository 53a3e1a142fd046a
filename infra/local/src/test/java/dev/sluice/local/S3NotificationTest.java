package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import dev.sluice.local.events.S3EventNotifications;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;
import software.amazon.awssdk.services.sqs.model.Message;

/** Objects landing in S3 produce S3-shaped events on the queues the bucket's notification configuration names. */
@ExtendWith(SharedStack.class)
class S3NotificationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void presignedPutSendsExactlyOneEventWithEncodedKey(LocalSluice sluice) throws Exception {
        String bucket = sluice.bucketName("UploadBucket");
        String key = "uploads/owner 1/" + UUID.randomUUID() + "/my file (1).csv";
        byte[] content = "date,amount\n2024-01-01,10\n".getBytes(StandardCharsets.UTF_8);
        try (S3Presigner presigner = S3Presigner.builder()
                .endpointOverride(sluice.s3Endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalSluice.ACCESS_KEY_ID, LocalSluice.SECRET_ACCESS_KEY)))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build()) {
            PresignedPutObjectRequest presigned = presigner.presignPutObject(p -> p
                    .signatureDuration(Duration.ofMinutes(5))
                    .putObjectRequest(o -> o.bucket(bucket).key(key).contentType("text/csv")));
            HttpRequest.Builder put = HttpRequest.newBuilder(presigned.url().toURI())
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
            presigned.signedHeaders().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("host")) {
                    values.forEach(v -> put.header(name, v));
                }
            });
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(put.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());

            HttpResponse<String> tampered = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(presigned.url().toURI())
                            .header("content-type", "application/octet-stream")
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(403, tampered.statusCode(), "a presigned URL is bound to its Content-Type");
        }

        List<JsonNode> events = eventsUntil(sluice, key).stream()
                .filter(e -> e.toString().contains(S3EventNotifications.encodeKey(key))).toList();
        assertEquals(1, events.size(), "exactly one event per object: " + events);
        JsonNode record = events.getFirst().path("Records").get(0);
        assertEquals("2.1", record.path("eventVersion").asText());
        assertEquals("aws:s3", record.path("eventSource").asText());
        assertEquals("us-east-1", record.path("awsRegion").asText());
        assertEquals("ObjectCreated:Put", record.path("eventName").asText());
        assertEquals("1.0", record.path("s3").path("s3SchemaVersion").asText());
        assertEquals(bucket, record.path("s3").path("bucket").path("name").asText());
        assertEquals("arn:aws:s3:::" + bucket, record.path("s3").path("bucket").path("arn").asText());
        String encoded = record.path("s3").path("object").path("key").asText();
        assertTrue(encoded.startsWith("uploads/owner+1/") && encoded.endsWith("/my+file+%281%29.csv"), encoded);
        assertEquals(content.length, record.path("s3").path("object").path("size").asLong());
        assertTrue(record.path("s3").path("object").path("eTag").asText().matches("[0-9a-f]{32}"),
                record.path("s3").path("object").toString());
        assertTrue(record.path("eventTime").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        assertTrue(!record.path("s3").path("object").path("sequencer").asText().isEmpty());
    }

    @Test
    void keyOutsideEveryPrefixSendsNothing(LocalSluice sluice) throws Exception {
        String bucket = sluice.bucketName("UploadBucket");
        String ignored = "reports/" + UUID.randomUUID() + ".csv";
        sluice.s3Client().putObject(b -> b.bucket(bucket).key(ignored), RequestBody.fromString("x"));
        // A later matching object is the marker: once its event arrives, an event for the first would have too.
        String marker = "drop/partner/" + UUID.randomUUID() + ".csv";
        sluice.s3Client().putObject(b -> b.bucket(bucket).key(marker), RequestBody.fromString("y"));
        List<JsonNode> events = eventsUntil(sluice, marker);
        for (JsonNode event : events) {
            String key = event.path("Records").get(0).path("s3").path("object").path("key").asText();
            assertTrue(!key.startsWith("reports/"), "no event for a key outside the filters: " + key);
        }
    }

    @Test
    void multipartUploadSendsOneCompleteMultipartUploadEvent(LocalSluice sluice) throws Exception {
        String bucket = sluice.bucketName("UploadBucket");
        String key = "uploads/" + UUID.randomUUID() + "/big.csv";
        var s3 = sluice.s3Client();
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        byte[] part1 = new byte[5 * 1024 * 1024];
        java.util.Arrays.fill(part1, (byte) 'a');
        String eTag1 = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(part1)).eTag();
        String eTag2 = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(2),
                RequestBody.fromString("tail")).eTag();
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(
                CompletedPart.builder().partNumber(1).eTag(eTag1).build(),
                CompletedPart.builder().partNumber(2).eTag(eTag2).build())));

        List<JsonNode> events = eventsUntil(sluice, key);
        List<JsonNode> mine = events.stream()
                .filter(e -> e.toString().contains(uploadId) || e.toString().contains(key)).toList();
        assertEquals(1, mine.size(), "one event, none for the multipart stub: " + events);
        JsonNode record = mine.getFirst().path("Records").get(0);
        assertEquals("ObjectCreated:CompleteMultipartUpload", record.path("eventName").asText());
        assertEquals(part1.length + 4L, record.path("s3").path("object").path("size").asLong());
    }

    @Test
    void functionsGetLocalValuesForTemplateReferences(LocalSluice sluice) {
        Map<String, String> environment = sluice.localFunction("LoadFunction").environment();
        assertEquals("RunsTable", environment.get("RUNS_TABLE"));
        assertEquals(sluice.bucketName("UploadBucket"), environment.get("UPLOAD_BUCKET"));
        assertEquals(sluice.queueUrl("ChunkQueue"), environment.get("CHUNK_QUEUE_URL"));
        assertEquals(sluice.jdbcUrl(), environment.get("DB_URL"));
        assertEquals(sluice.dbUser(), environment.get("DB_USER"));
        assertEquals(sluice.dbPassword(), environment.get("DB_PASSWORD"));
        assertEquals("4194304", environment.get("CHUNK_BYTES"));
        assertEquals(sluice.s3Endpoint().toString(), environment.get("AWS_ENDPOINT_URL_S3"));
        assertEquals(sluice.s3Endpoint().toString(), environment.get("SLUICE_S3_PUBLIC_ENDPOINT"));
        assertEquals(sluice.sqsEndpoint().toString(), environment.get("AWS_ENDPOINT_URL_SQS"));
        assertEquals(sluice.dynamoDbEndpoint().toString(), environment.get("AWS_ENDPOINT_URL_DYNAMODB"));
        assertEquals(LocalSluice.ACCESS_KEY_ID, environment.get("SLUICE_STATIC_ACCESS_KEY_ID"));
        assertEquals("us-east-1", environment.get("AWS_REGION"));
        assertTrue(URI.create(environment.get("CHUNK_QUEUE_URL")).getPath().endsWith("/ChunkQueue"));
    }

    /** Drains IngestQueue until an event for {@code key} arrived, then once more, returning every event seen. */
    private static List<JsonNode> eventsUntil(LocalSluice sluice, String key) throws Exception {
        String queueUrl = sluice.queueUrl("IngestQueue");
        String encoded = S3EventNotifications.encodeKey(key);
        List<JsonNode> events = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean seen = false;
        while (!seen && System.nanoTime() < deadline) {
            seen = receiveInto(sluice, queueUrl, events, encoded);
        }
        assertTrue(seen, "no S3 event for " + key + " on IngestQueue; got " + events);
        receiveInto(sluice, queueUrl, events, encoded);
        return events;
    }

    private static boolean receiveInto(LocalSluice sluice, String queueUrl, List<JsonNode> events, String encodedKey)
            throws Exception {
        boolean seen = false;
        List<Message> messages = sluice.sqsClient()
                .receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                .messages();
        for (Message message : messages) {
            JsonNode event = JSON.readTree(message.body());
            events.add(event);
            seen |= event.path("Records").get(0).path("s3").path("object").path("key").asText().equals(encodedKey);
            sluice.sqsClient().deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        }
        return seen;
    }
}
