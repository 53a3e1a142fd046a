package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.local.function.LocalFunction;
import dev.sluice.local.function.SqsEventSource;
import dev.sluice.local.template.Specs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/** SQS event source emulation against ElasticMQ, with test handlers and queues with a 1 s visibility timeout. */
@ExtendWith(SharedStack.class)
class EventSourceTest {

    /** A handler that records every record it was given and answers through {@code behaviour}. */
    public static final class TestHandler {
        final List<SQSEvent.SQSMessage> seen = new CopyOnWriteArrayList<>();
        final Function<SQSEvent, SQSBatchResponse> behaviour;

        TestHandler(Function<SQSEvent, SQSBatchResponse> behaviour) {
            this.behaviour = behaviour;
        }

        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            seen.addAll(event.getRecords());
            return behaviour.apply(event);
        }

        long timesSeen(String body) {
            return seen.stream().filter(m -> m.getBody().equals(body)).count();
        }
    }

    private record Queues(String url, String arn, String dlqUrl) {
    }

    private static Queues queuesWithRedrive(LocalSluice sluice, int maxReceiveCount) {
        String name = "test-" + UUID.randomUUID().toString().substring(0, 8);
        var sqs = sluice.sqsClient();
        String dlqUrl = sqs.createQueue(b -> b.queueName(name + "-dlq")).queueUrl();
        String redrive = "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:" + name
                + "-dlq\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
        String url = sqs.createQueue(b -> b.queueName(name).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, "1", QueueAttributeName.REDRIVE_POLICY, redrive))).queueUrl();
        return new Queues(url, "arn:aws:sqs:us-east-1:000000000000:" + name, dlqUrl);
    }

    private static SqsEventSource source(LocalSluice sluice, Queues queues, TestHandler handler, int batchSize,
            boolean reportFailures, int concurrency) {
        Specs.SqsEvent mapping = new Specs.SqsEvent("Test", "TestQueue", batchSize, reportFailures,
                Optional.of(concurrency), true);
        Specs.Function spec = new Specs.Function("TestFunction", TestHandler.class.getName(), "handleRequest", 30, 128,
                Map.of(), List.of(mapping), List.of());
        return new SqsEventSource(new LocalFunction(spec, Map.of(), handler), mapping, queues.url(), queues.arn(),
                sluice.sqsClient(), concurrency);
    }

    private static void send(LocalSluice sluice, String queueUrl, String... bodies) {
        for (String body : bodies) {
            sluice.sqsClient().sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
        }
    }

    private static List<String> drain(LocalSluice sluice, String queueUrl, int expected) {
        List<String> bodies = new ArrayList<>();
        Poll.until(Duration.ofSeconds(30), expected + " messages on " + queueUrl, () -> {
            for (Message m : sluice.sqsClient()
                    .receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages()) {
                bodies.add(m.body());
                sluice.sqsClient().deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
            return bodies.size() >= expected;
        });
        return bodies;
    }

    private static int approximateMessages(LocalSluice sluice, String queueUrl) {
        Map<QueueAttributeName, String> attributes = sluice.sqsClient().getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    @Test
    void recordsAreShapedLikeLambdas(LocalSluice sluice) {
        Queues queues = queuesWithRedrive(sluice, 5);
        TestHandler handler = new TestHandler(event -> new SQSBatchResponse(List.of()));
        try (SqsEventSource source = source(sluice, queues, handler, 10, true, 1)) {
            sluice.sqsClient().sendMessage(b -> b.queueUrl(queues.url()).messageBody("{\"hello\":1}")
                    .messageAttributes(Map.of("kind",
                            software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder()
                                    .dataType("String").stringValue("test").build())));
            source.start();
            Poll.until(Duration.ofSeconds(10), "the handler to be invoked", () -> !handler.seen.isEmpty());
        }
        SQSEvent.SQSMessage record = handler.seen.getFirst();
        assertEquals("{\"hello\":1}", record.getBody());
        assertEquals("aws:sqs", record.getEventSource());
        assertEquals(queues.arn(), record.getEventSourceArn());
        assertEquals("us-east-1", record.getAwsRegion());
        assertTrue(record.getMessageId() != null && record.getReceiptHandle() != null);
        assertEquals("b6b0cba7bdf2b7c0a6d71bba1a5f7e22".length(), record.getMd5OfBody().length());
        assertEquals("1", record.getAttributes().get("ApproximateReceiveCount"));
        assertTrue(record.getAttributes().containsKey("SentTimestamp"), record.getAttributes().toString());
        assertTrue(record.getAttributes().containsKey("ApproximateFirstReceiveTimestamp"),
                record.getAttributes().toString());
        assertEquals("test", record.getMessageAttributes().get("kind").getStringValue());
        Poll.until(Duration.ofSeconds(10), "the message to be deleted",
                () -> approximateMessages(sluice, queues.url()) == 0);
    }

    @Test
    void partialBatchFailureDeletesOnlyTheSuccessfulMessagesAndFailuresEndInTheDlq(LocalSluice sluice) {
        Queues queues = queuesWithRedrive(sluice, 2);
        TestHandler handler = new TestHandler(event -> new SQSBatchResponse(event.getRecords().stream()
                .filter(m -> m.getBody().startsWith("fail"))
                .map(m -> new SQSBatchResponse.BatchItemFailure(m.getMessageId())).toList()));
        send(sluice, queues.url(), "ok-1", "ok-2", "ok-3", "fail-1", "fail-2");
        try (SqsEventSource source = source(sluice, queues, handler, 10, true, 1)) {
            source.start();
            List<String> dead = drain(sluice, queues.dlqUrl(), 2);
            assertEquals(Set.of("fail-1", "fail-2"), Set.copyOf(dead));
        }
        for (String ok : List.of("ok-1", "ok-2", "ok-3")) {
            assertEquals(1, handler.timesSeen(ok), ok + " is deleted after its first successful delivery");
        }
        assertEquals(2, handler.timesSeen("fail-1"), "delivered maxReceiveCount times before the DLQ");
        assertEquals(0, approximateMessages(sluice, queues.url()));
    }

    @Test
    void handlerThatThrowsLeavesTheBatchToRedrive(LocalSluice sluice) {
        Queues queues = queuesWithRedrive(sluice, 3);
        TestHandler handler = new TestHandler(event -> {
            throw new IllegalStateException("poison");
        });
        send(sluice, queues.url(), "poison-1", "poison-2");
        try (SqsEventSource source = source(sluice, queues, handler, 10, true, 1)) {
            source.start();
            assertEquals(Set.of("poison-1", "poison-2"), Set.copyOf(drain(sluice, queues.dlqUrl(), 2)));
            assertTrue(source.failedInvocations() >= 3);
        }
        assertEquals(3, handler.timesSeen("poison-1"));
        List<String> receiveCounts = handler.seen.stream().filter(m -> m.getBody().equals("poison-1"))
                .map(m -> m.getAttributes().get("ApproximateReceiveCount")).toList();
        assertEquals(List.of("1", "2", "3"), receiveCounts);
    }

    @Test
    void unknownBatchItemFailureIdRetriesTheWholeBatch(LocalSluice sluice) {
        Queues queues = queuesWithRedrive(sluice, 2);
        TestHandler handler = new TestHandler(
                event -> new SQSBatchResponse(List.of(new SQSBatchResponse.BatchItemFailure("no-such-id"))));
        send(sluice, queues.url(), "a", "b");
        try (SqsEventSource source = source(sluice, queues, handler, 10, true, 1)) {
            source.start();
            assertEquals(Set.of("a", "b"), Set.copyOf(drain(sluice, queues.dlqUrl(), 2)));
        }
    }

    /** A handler that works {@code millis} per batch (so invocations overlap), noting the peak and what it did. */
    private static TestHandler overlapping(long millis, AtomicInteger peak, Set<String> done) {
        AtomicInteger running = new AtomicInteger();
        return new TestHandler(event -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(millis); // simulated work
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            event.getRecords().forEach(m -> done.add(m.getBody()));
            return new SQSBatchResponse(List.of());
        });
    }

    @Test
    void concurrencyNeverExceedsTheMaximum(LocalSluice sluice) {
        Queues queues = queuesWithRedrive(sluice, 5);
        AtomicInteger peak = new AtomicInteger();
        Set<String> done = ConcurrentHashMap.newKeySet();
        TestHandler handler = overlapping(30, peak, done);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            bodies.add("m-" + i);
        }
        send(sluice, queues.url(), bodies.toArray(String[]::new));
        try (SqsEventSource source = source(sluice, queues, handler, 1, true, 3)) {
            source.start();
            Poll.until(Duration.ofSeconds(30), "all 40 messages handled", () -> done.size() == 40);
            assertTrue(source.maxObservedConcurrency() <= 3, "observed " + source.maxObservedConcurrency());
        }
        assertTrue(peak.get() <= 3, "peak " + peak.get());
        assertTrue(peak.get() >= 2, "pollers run in parallel, peak " + peak.get());
        Poll.until(Duration.ofSeconds(10), "all deleted", () -> approximateMessages(sluice, queues.url()) == 0);
    }

    @Test
    void anIdleQueueIsPolledByOnePollerAndMessagesWakeTheOthers(LocalSluice sluice) throws Exception {
        Queues queues = queuesWithRedrive(sluice, 5);
        AtomicInteger receives = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Set<String> done = ConcurrentHashMap.newKeySet();
        TestHandler handler = overlapping(200, peak, done);
        Specs.SqsEvent mapping = new Specs.SqsEvent("Test", "TestQueue", 1, true, Optional.of(4), true);
        Specs.Function spec = new Specs.Function("TestFunction", TestHandler.class.getName(), "handleRequest", 30, 128,
                Map.of(), List.of(mapping), List.of());
        try (SqsClient counting = SqsClient.builder().endpointOverride(sluice.sqsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(LocalClients.credentials()).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
                            ExecutionAttributes attributes) {
                        if (context.request() instanceof ReceiveMessageRequest) {
                            receives.incrementAndGet();
                        }
                    }
                })).build();
                SqsEventSource source = new SqsEventSource(new LocalFunction(spec, Map.of(), handler), mapping,
                        queues.url(), queues.arn(), counting, 4)) {
            source.start();
            long window = System.nanoTime();
            Thread.sleep(3_000); // a measuring window, not a wait for something to happen
            double seconds = (System.nanoTime() - window) / 1e9;
            // Four pollers each long-polling 1 s would make 12 or more requests; one polls, three stand by.
            assertTrue(receives.get() <= 4 + Math.ceil(seconds), receives.get() + " receives in " + seconds + " s");

            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                bodies.add("w-" + i);
            }
            send(sluice, queues.url(), bodies.toArray(String[]::new));
            Poll.until(Duration.ofSeconds(30), "all 8 messages handled", () -> done.size() == 8);
        }
        assertTrue(peak.get() >= 2, "the first poller woke the others, peak " + peak.get());
    }

    @Test
    void aPausedSourceLeavesNewMessagesOnTheQueueUntilResumed(LocalSluice sluice) {
        Queues queues = queuesWithRedrive(sluice, 5);
        TestHandler handler = new TestHandler(event -> new SQSBatchResponse(List.of()));
        try (SqsEventSource source = source(sluice, queues, handler, 10, true, 2)) {
            source.start();
            source.pause();
            send(sluice, queues.url(), "while-paused");
            List<Message> received = sluice.sqsClient()
                    .receiveMessage(b -> b.queueUrl(queues.url()).waitTimeSeconds(2)).messages();
            assertEquals(1, received.size(), "the paused pollers did not take it");
            assertTrue(handler.seen.isEmpty());
            sluice.sqsClient().changeMessageVisibility(b -> b.queueUrl(queues.url())
                    .receiptHandle(received.getFirst().receiptHandle()).visibilityTimeout(0));
            source.resume();
            Poll.until(Duration.ofSeconds(10), "the resumed source to invoke the handler",
                    () -> handler.timesSeen("while-paused") == 1);
        }
    }
}
