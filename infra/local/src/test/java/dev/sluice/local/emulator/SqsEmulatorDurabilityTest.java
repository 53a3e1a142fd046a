package dev.sluice.local.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A message SQS acknowledged survives an abrupt end of the runtime: ElasticMQ answers a send once its H2 store has
 * the message, and H2 must then write it to its file at once (with its default write delay, a kill -9 lost the
 * last half second of messages, and a run whose chunk messages were among them never ended).
 */
class SqsEmulatorDurabilityTest {
    private static final int MESSAGES = 25;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedMessageSurvivesAHaltRightAfterItsSend() throws Exception {
        // The queue first, by a JVM that ends normally: the runtime creates its queues at every start from the
        // template, so what must survive a kill is the messages (ElasticMQ answers a send once its store has it).
        assertEquals(0, child("create"), "the first child created the queue and ended");
        assertEquals(Child.HALTED, child("send"), "the second child halted right after its last send");

        // Read back by a third JVM, started as the runtime starts after a kill (not this test JVM, which other
        // tests' emulators have shared).
        assertEquals(MESSAGES, child("receive"), "every acknowledged message is back");
    }

    private int child(String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), dir.toString(), mode).inheritIO().start();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child ends");
        return child.exitValue();
    }

    private static SqsClient client(URI endpoint) {
        return SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /**
     * On the data dir: {@code create} makes the queue and ends normally; {@code send} sends the messages one by one
     * and halts the JVM as kill -9 would; {@code receive} ends with the number of different messages it got back.
     */
    public static final class Child {
        static final int HALTED = 42;

        public static void main(String[] args) throws Exception {
            SqsEmulator sqsEmulator = SqsEmulator.start(Path.of(args[0]), "us-east-1", "000000000000");
            int status = 0;
            try (SqsClient sqs = client(sqsEmulator.endpoint())) {
                switch (args[1]) {
                    case "create" -> sqs.createQueue(b -> b.queueName("durable"));
                    case "send" -> {
                        String queue = sqs.getQueueUrl(b -> b.queueName("durable")).queueUrl();
                        for (int i = 1; i <= MESSAGES; i++) {
                            String body = "message " + i;
                            sqs.sendMessage(b -> b.queueUrl(queue).messageBody(body));
                        }
                        Runtime.getRuntime().halt(HALTED);
                    }
                    default -> {
                        String queue = sqs.getQueueUrl(b -> b.queueName("durable")).queueUrl();
                        Set<String> bodies = new HashSet<>();
                        for (int empty = 0; empty < 3 && bodies.size() < MESSAGES; ) {
                            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)
                                    .waitTimeSeconds(1)).messages();
                            empty = got.isEmpty() ? empty + 1 : 0;
                            got.forEach(m -> bodies.add(m.body()));
                        }
                        System.out.println("received " + bodies);
                        status = bodies.size();
                    }
                }
            }
            sqsEmulator.stop();
            System.exit(status);
        }
    }
}
