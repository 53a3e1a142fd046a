package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.adapter.out.cloudwatch.CloudWatchQueueAge;
import dev.sluice.adapter.out.sqs.SqsHealthProbe;
import dev.sluice.adapter.wire.SignedAwsCall;
import dev.sluice.application.health.CheckHealth;
import dev.sluice.application.port.QueueAge;
import dev.sluice.local.emulator.ElasticMqQueueAge;
import dev.sluice.local.emulator.FreePort;
import dev.sluice.local.emulator.MotoProcess;
import dev.sluice.local.emulator.SqsEmulator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * GET /api/health's age of ChunkQueue's oldest message: from the SQS emulator's store locally (a message sent,
 * received and deleted moves it), from CloudWatch's ApproximateAgeOfOldestMessage on AWS (checked against moto's
 * CloudWatch), and null with the reason where neither can tell.
 */
class ChunkQueueAgeTest {
    private static final Duration DEADLINE = Duration.ofSeconds(15);
    /** The probe's clock runs this far ahead, so a message sent now is this old without the test waiting. */
    private static final Duration AHEAD = Duration.ofSeconds(90);

    @Test
    void theLocalAgeIsThatOfTheOldestMessageNotYetDeleted(@TempDir Path dir) throws Exception {
        SqsEmulator emulator = SqsEmulator.start(dir.resolve("sqs"), "us-east-1", "000000000000");
        try (SqsClient sqs = sqs(emulator.endpoint())) {
            // Names of their own: ElasticMQ's store is one per JVM, so another test's queue of the same name would be
            // restored into this emulator with its messages.
            String url = sqs.createQueue(b -> b.queueName("AgeOfTheOldest")).queueUrl();
            SqsHealthProbe probe = new SqsHealthProbe(sqs, Map.of("ChunkQueue", url), "ChunkQueue",
                    new ElasticMqQueueAge(emulator, Clock.offset(Clock.systemUTC(), AHEAD)));

            Map<String, Object> empty = chunkQueue(probe);
            assertEquals(0L, empty.get(CheckHealth.OLDEST_MESSAGE_AGE), empty.toString());
            assertEquals("queue empty", empty.get("oldestMessageAgeSource"));

            Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("{\"chunk\":1}"));
            Map<String, Object> waiting = Poll.until(DEADLINE, "the message's age in the emulator's store",
                    () -> chunkQueue(probe), facts -> facts.get(CheckHealth.OLDEST_MESSAGE_AGE) != null);
            long age = (Long) waiting.get(CheckHealth.OLDEST_MESSAGE_AGE);
            long ceiling = AHEAD.plus(Duration.between(before, Instant.now())).toSeconds() + 1;
            assertTrue(age >= AHEAD.toSeconds() - 1 && age <= ceiling, age + " s, expected about " + AHEAD);
            assertTrue(String.valueOf(waiting.get("oldestMessageAgeSource")).contains("SQS emulator's store"),
                    waiting.toString());

            // In flight is still not deleted: CloudWatch's metric counts it too.
            Message received = sqs.receiveMessage(b -> b.queueUrl(url).visibilityTimeout(600)).messages().getFirst();
            Map<String, Object> inFlight = chunkQueue(probe);
            assertEquals(1L, inFlight.get("inFlight"), inFlight.toString());
            assertTrue((Long) inFlight.get(CheckHealth.OLDEST_MESSAGE_AGE) >= AHEAD.toSeconds() - 1,
                    inFlight.toString());

            sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(received.receiptHandle()));
            Map<String, Object> gone = Poll.until(DEADLINE, "the deleted message to leave the counts",
                    () -> chunkQueue(probe), facts -> Long.valueOf(0).equals(facts.get("inFlight")));
            assertEquals(0L, gone.get(CheckHealth.OLDEST_MESSAGE_AGE), gone.toString());
            Poll.until(DEADLINE, "the store to drop the deleted message",
                    () -> oldestInStore(emulator, "AgeOfTheOldest") == null);
        } finally {
            emulator.stop();
        }
    }

    @Test
    void withoutASourceTheAgeOfAWaitingMessageIsNullAndSaysWhy(@TempDir Path dir) throws Exception {
        SqsEmulator emulator = SqsEmulator.start(dir.resolve("sqs"), "us-east-1", "000000000000");
        try (SqsClient sqs = sqs(emulator.endpoint())) {
            String url = sqs.createQueue(b -> b.queueName("AgeUnknown")).queueUrl();
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("{\"chunk\":1}"));
            SqsHealthProbe probe = new SqsHealthProbe(sqs, Map.of("ChunkQueue", url), "ChunkQueue",
                    QueueAge.unknown("CloudWatch is not reachable"));

            Map<String, Object> facts = chunkQueue(probe);
            assertEquals(1L, facts.get("messages"), facts.toString());
            assertTrue(facts.containsKey(CheckHealth.OLDEST_MESSAGE_AGE));
            assertNull(facts.get(CheckHealth.OLDEST_MESSAGE_AGE));
            assertEquals("unknown: CloudWatch is not reachable", facts.get("oldestMessageAgeSource"));
        } finally {
            emulator.stop();
        }
    }

    @Test
    void onAwsTheAgeIsTheNewestMinuteOfTheQueuesCloudWatchMetric(@TempDir Path dir) throws Exception {
        try (MotoProcess moto = MotoProcess.start(dir.resolve("cache"), dir.resolve("moto.log"))) {
            URI endpoint = URI.create("http://127.0.0.1:" + moto.port() + "/");
            SignedAwsCall cloudWatch = new SignedAwsCall("monitoring", "us-east-1", StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("x", "y")), Duration.ofMillis(500), Duration.ofSeconds(5));
            Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(30);
            put(cloudWatch, endpoint, "ChunkQueue", now.minus(Duration.ofMinutes(3)), 40);
            put(cloudWatch, endpoint, "ChunkQueue", now.minus(Duration.ofMinutes(1)), 75);
            put(cloudWatch, endpoint, "ChunkDLQ", now.minus(Duration.ofMinutes(1)), 999);
            // Outside the window: an old figure is not passed off as the current one.
            put(cloudWatch, endpoint, "IngestQueue", now.minus(Duration.ofMinutes(30)), 12);
            CloudWatchQueueAge age = new CloudWatchQueueAge(cloudWatch, endpoint, Clock.fixed(now, ZoneOffset.UTC));

            QueueAge.Reading chunk = age.oldestMessageAge("https://sqs.us-east-1.amazonaws.com/1/ChunkQueue");
            assertEquals(75L, chunk.seconds(), chunk.toString());
            assertTrue(chunk.source().startsWith("CloudWatch ApproximateAgeOfOldestMessage"), chunk.source());

            QueueAge.Reading stale = age.oldestMessageAge("https://sqs.us-east-1.amazonaws.com/1/IngestQueue");
            assertNull(stale.seconds(), stale.toString());
            assertTrue(stale.source().contains("no ApproximateAgeOfOldestMessage datapoint"), stale.source());
        }
        SignedAwsCall nowhere = new SignedAwsCall("monitoring", "us-east-1", StaticCredentialsProvider.create(
                AwsBasicCredentials.create("x", "y")), Duration.ofMillis(500), Duration.ofSeconds(1));
        QueueAge.Reading unreachable = new CloudWatchQueueAge(nowhere, URI.create("http://127.0.0.1:"
                + FreePort.pick() + "/"), Clock.systemUTC())
                .oldestMessageAge("https://sqs.us-east-1.amazonaws.com/1/ChunkQueue");
        assertNull(unreachable.seconds());
        assertEquals("unknown: CloudWatch did not answer (details in the function's log)", unreachable.source());
    }

    private static Instant oldestInStore(SqsEmulator emulator, String queue) {
        try {
            return emulator.oldestMessageSent(queue).orElse(null);
        } catch (java.sql.SQLException e) {
            throw new AssertionError("the SQS emulator's store could not be read", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> chunkQueue(SqsHealthProbe probe) {
        return (Map<String, Object>) probe.probe().get("ChunkQueue");
    }

    /** PutMetricData in CloudWatch's query protocol, as SQS publishes the metric on AWS. */
    private static void put(SignedAwsCall cloudWatch, URI endpoint, String queue, Instant at, double seconds) {
        String form = "Action=PutMetricData&Version=2010-08-01&Namespace=AWS%2FSQS"
                + "&MetricData.member.1.MetricName=ApproximateAgeOfOldestMessage"
                + "&MetricData.member.1.Timestamp=" + at + "&MetricData.member.1.Value=" + seconds
                + "&MetricData.member.1.Dimensions.member.1.Name=QueueName"
                + "&MetricData.member.1.Dimensions.member.1.Value=" + queue;
        SignedAwsCall.Answer answer = cloudWatch.send("POST", endpoint,
                Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), form);
        assertEquals(200, answer.status(), answer.body());
    }

    private static SqsClient sqs(URI endpoint) {
        return SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }
}
