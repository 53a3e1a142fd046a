package dev.sluice.local.function;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.local.template.Specs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * Emulates a Lambda SQS event source mapping: pollers long-poll the queue, hand each batch to the function
 * as an {@link SQSEvent} shaped like Lambda's, and delete what succeeded. As in Lambda:
 * <ul>
 *   <li>the handler throws → nothing is deleted; the messages reappear after the visibility timeout and,
 *       after the queue's maxReceiveCount, SQS (ElasticMQ's native redrive) moves them to the DLQ;</li>
 *   <li>with ReportBatchItemFailures, every message except the reported {@code batchItemFailures} is deleted;
 *       a reported id that is not in the batch (or an empty one) fails the whole batch;</li>
 *   <li>at most {@code concurrency} invocations run at once (ScalingConfig.MaximumConcurrency).</li>
 * </ul>
 */
public final class SqsEventSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqsEventSource.class);
    /** Short long-polls so close() returns within about a second; Lambda uses 20 s. */
    private static final int WAIT_TIME_SECONDS = 1;
    /**
     * How long a poller other than the first waits, at the start and after an empty receive, before it polls (again),
     * while the first one keeps polling (it wakes the others as soon as it receives something). Lambda, too, polls an
     * idle queue with few pollers and adds more as messages arrive; here an idle queue costs the emulator one request
     * a second instead of one per poller.
     */
    private static final long STANDBY_MILLIS = 5_000;

    private final LocalFunction function;
    private final Specs.SqsEvent mapping;
    private final String queueUrl;
    private final String queueArn;
    private final SqsClient sqs;
    private final int concurrency;
    private final List<Thread> pollers = new ArrayList<>();
    private final Object pauseLock = new Object();
    /** Pollers on standby wait here while the first poller polls (see {@link #STANDBY_MILLIS}). */
    private final Object standby = new Object();
    /** Whether the first poller is polling (not handling a batch, not paused); guarded by {@link #standby}. */
    private boolean firstPolling;
    /** Pollers hold the read lock while they check {@link #paused} and receive; pause() takes the write lock. */
    private final ReentrantReadWriteLock receiving = new ReentrantReadWriteLock();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong failedInvocations = new AtomicLong();
    private volatile boolean running;
    private volatile boolean paused;
    private volatile InvocationWrapper wrapper = (source, messages, event, invocation) -> invocation.invoke(event);

    /** Invokes the function with an event. */
    @FunctionalInterface
    public interface Invocation {
        Object invoke(SQSEvent event) throws Exception;
    }

    /**
     * Wraps each invocation: the local runtime's fault injection ({@code dev.sluice.local.fault}). What it returns
     * or throws is treated as the function's answer.
     */
    @FunctionalInterface
    public interface InvocationWrapper {
        Object invoke(SqsEventSource source, List<Message> messages, SQSEvent event, Invocation invocation)
                throws Exception;
    }

    public SqsEventSource(LocalFunction function, Specs.SqsEvent mapping, String queueUrl, String queueArn,
            SqsClient sqs, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
        }
        this.function = function;
        this.mapping = mapping;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.sqs = sqs;
        this.concurrency = concurrency;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        // The others start on standby: the first poller's first receive wakes them if the queue has messages.
        setFirstPolling(true);
        for (int i = 1; i <= concurrency; i++) {
            boolean first = i == 1;
            Thread poller = Thread.ofPlatform().daemon(true)
                    .name("sqs-" + function.logicalId() + "-" + mapping.name() + "-" + i)
                    .start(() -> poll(first));
            pollers.add(poller);
        }
    }

    /** Wraps every later invocation (set before {@link #start()}). */
    public void wrapInvocations(InvocationWrapper wrapper) {
        this.wrapper = wrapper;
    }

    public String queueUrl() {
        return queueUrl;
    }

    public String name() {
        return function.logicalId() + "." + mapping.name();
    }

    public LocalFunction function() {
        return function;
    }

    public Specs.SqsEvent mapping() {
        return mapping;
    }

    public int concurrency() {
        return concurrency;
    }

    /** Most invocations seen running at the same time since start. */
    public int maxObservedConcurrency() {
        return maxInFlight.get();
    }

    public long invocations() {
        return invocations.get();
    }

    /** Invocations whose handler threw (the whole batch went back to the queue). */
    public long failedInvocations() {
        return failedInvocations.get();
    }

    /**
     * Stops receiving, like disabling the event source mapping. Returns once no poller is inside a
     * ReceiveMessage call (at most the 1 s long poll), so a message sent after this returns stays on the queue
     * until {@link #resume()}. Batches already received still run to completion.
     */
    public void pause() {
        receiving.writeLock().lock();
        try {
            paused = true;
        } finally {
            receiving.writeLock().unlock();
        }
    }

    public void resume() {
        synchronized (pauseLock) {
            paused = false;
            pauseLock.notifyAll();
        }
    }

    public boolean paused() {
        return paused;
    }

    private void poll(boolean first) {
        boolean standingBy = !first;
        while (running) {
            try {
                if (standingBy) {
                    standingBy = false;
                    standBy();
                    continue;
                }
                if (paused) {
                    synchronized (pauseLock) {
                        while (paused && running) {
                            pauseLock.wait();
                        }
                    }
                    continue;
                }
                List<Message> messages;
                receiving.readLock().lock();
                try {
                    if (paused) {
                        continue;
                    }
                    messages = sqs.receiveMessage(ReceiveMessageRequest.builder()
                            .queueUrl(queueUrl)
                            .maxNumberOfMessages(Math.min(10, mapping.batchSize()))
                            .waitTimeSeconds(WAIT_TIME_SECONDS)
                            .messageSystemAttributeNamesWithStrings("All")
                            .messageAttributeNames("All")
                            .build()).messages();
                } finally {
                    receiving.readLock().unlock();
                }
                if (first) {
                    setFirstPolling(messages.isEmpty());
                }
                if (messages.isEmpty()) {
                    if (!first) {
                        standBy();
                    }
                } else if (running) {
                    handle(messages);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("{}: polling {} failed: {}", name(), queueUrl, e.toString());
                    pauseBriefly();
                }
            }
        }
    }

    private void standBy() throws InterruptedException {
        synchronized (standby) {
            if (running && firstPolling) {
                standby.wait(STANDBY_MILLIS);
            }
        }
    }

    /** The first poller found the queue empty (true) or took a batch (false: the others poll from now on). */
    private void setFirstPolling(boolean polling) {
        synchronized (standby) {
            firstPolling = polling;
            if (!polling) {
                standby.notifyAll();
            }
        }
    }

    private void pauseBriefly() {
        try {
            synchronized (pauseLock) {
                pauseLock.wait(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(List<Message> messages) {
        SQSEvent event = toEvent(messages);
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        invocations.incrementAndGet();
        Set<String> keep = new HashSet<>();
        try {
            Object result = wrapper.invoke(this, messages, event, function::invoke);
            if (mapping.reportBatchItemFailures() && result instanceof SQSBatchResponse response
                    && response.getBatchItemFailures() != null) {
                Set<String> ids = new HashSet<>();
                messages.forEach(m -> ids.add(m.messageId()));
                for (SQSBatchResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
                    String id = failure.getItemIdentifier();
                    if (id == null || !ids.contains(id)) {
                        // Lambda: an invalid itemIdentifier fails the whole batch.
                        LOG.warn("{}: batchItemFailures names unknown message id '{}'; whole batch retried",
                                name(), id);
                        keep.addAll(ids);
                        break;
                    }
                    keep.add(id);
                }
            }
        } catch (Exception | Error e) {
            failedInvocations.incrementAndGet();
            LOG.warn("{}: invocation failed, {} message(s) return to the queue after the visibility timeout: {}",
                    name(), messages.size(), e.toString());
            LOG.debug("handler failure", e);
            return;
        } finally {
            inFlight.decrementAndGet();
        }
        delete(messages.stream().filter(m -> !keep.contains(m.messageId())).toList());
    }

    private void delete(List<Message> messages) {
        if (messages.isEmpty()) {
            return;
        }
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i)).receiptHandle(messages.get(i).receiptHandle()).build());
        }
        var response = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
        if (response.hasFailed() && !response.failed().isEmpty()) {
            LOG.warn("{}: could not delete {} message(s): {}", name(), response.failed().size(), response.failed());
        }
    }

    /** Lambda's SQS event: one record per message, system attributes as strings, ARN of the source queue. */
    SQSEvent toEvent(List<Message> messages) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message message : messages) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(message.body());
            record.setMd5OfBody(message.md5OfBody());
            record.setMd5OfMessageAttributes(message.md5OfMessageAttributes());
            record.setAttributes(new HashMap<>(message.attributesAsStrings()));
            Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
            message.messageAttributes().forEach((key, value) -> attributes.put(key, attribute(value)));
            record.setMessageAttributes(attributes);
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(queueArn);
            record.setAwsRegion("us-east-1");
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static SQSEvent.MessageAttribute attribute(MessageAttributeValue value) {
        SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
        attribute.setDataType(value.dataType());
        attribute.setStringValue(value.stringValue());
        if (value.binaryValue() != null) {
            attribute.setBinaryValue(value.binaryValue().asByteBuffer());
        }
        attribute.setStringListValues(value.hasStringListValues() ? value.stringListValues() : List.of());
        attribute.setBinaryListValues(value.hasBinaryListValues()
                ? value.binaryListValues().stream().map(b -> b.asByteBuffer()).toList() : List.of());
        return attribute;
    }

    /** Tells the pollers to stop after the batch they hold, without waiting for them ({@link #close()} waits). */
    public void stopPolling() {
        running = false;
        resume();
        setFirstPolling(false);
    }

    @Override
    public void close() {
        stopPolling();
        for (Thread poller : pollers) {
            try {
                // A batch in flight finishes first; Lambda would also let it run to its timeout.
                poller.join(TimeUnit.SECONDS.toMillis(Math.max(5, function.spec().timeoutSeconds())));
                if (poller.isAlive()) {
                    poller.interrupt();
                    poller.join(5_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        pollers.clear();
    }
}
