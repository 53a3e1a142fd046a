package dev.sluice.local.fault;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.local.fault.FaultSpec.Kind;
import dev.sluice.local.function.SqsEventSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The SQS side of {@link Faults}, wrapped around ChunkQueue's event source:
 * <ul>
 *   <li>{@code duplicate}: a message's first delivery is handed to the function COPIES times at once (the same
 *       message id and receipt handle, as SQS does when a message is delivered again while its first delivery
 *       runs), and after that one more copy is sent to the queue as a new message (a late duplicate);</li>
 *   <li>{@code poison}: a delivery of a chunk whose object key contains "poison" fails without reaching the
 *       function, every time, so the chunk goes to ChunkDLQ after maxReceiveCount deliveries.</li>
 * </ul>
 */
public final class ChunkDeliveryFaults implements SqsEventSource.InvocationWrapper {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(ChunkDeliveryFaults.class);
    /** Marks the late copies, so they are not copied again. */
    static final String COPY_ATTRIBUTE = "SluiceLocalFaultCopy";

    private final Faults faults;
    private final SqsClient sqs;
    private final ExecutorService copies = Executors.newVirtualThreadPerTaskExecutor();

    public ChunkDeliveryFaults(Faults faults, SqsClient sqs) {
        this.faults = faults;
        this.sqs = sqs;
    }

    @Override
    public Object invoke(SqsEventSource source, List<Message> messages, SQSEvent event,
            SqsEventSource.Invocation invocation) throws Exception {
        recordQueueAges(messages);
        if (faults.enabled(Kind.POISON).isPresent() && messages.stream().anyMatch(ChunkDeliveryFaults::poisoned)) {
            faults.strike(Kind.POISON);
            throw new IllegalStateException("local fault poison: this chunk's file is named poison; the delivery "
                    + "fails before the loader runs");
        }
        var duplicate = faults.enabled(Kind.DUPLICATE);
        boolean firstDelivery = messages.stream().allMatch(m -> "1".equals(m.attributesAsStrings()
                .get("ApproximateReceiveCount")) && !m.messageAttributes().containsKey(COPY_ATTRIBUTE));
        if (duplicate.isEmpty() || !firstDelivery) {
            return invocation.invoke(event);
        }
        int extra = (int) Math.round(duplicate.get().argumentOrDefault()) - 1;
        List<CompletableFuture<Void>> concurrent = new ArrayList<>();
        for (int i = 0; i < extra; i++) {
            faults.strike(Kind.DUPLICATE);
            concurrent.add(CompletableFuture.runAsync(() -> {
                try {
                    invocation.invoke(event);
                } catch (Exception | Error e) {
                    LOG.info("duplicate delivery failed (its original decides): {}", e.toString());
                }
            }, copies));
        }
        try {
            return invocation.invoke(event);
        } finally {
            CompletableFuture.allOf(concurrent.toArray(CompletableFuture[]::new)).join();
            for (Message message : messages) {
                faults.strike(Kind.DUPLICATE);
                sqs.sendMessage(b -> b.queueUrl(source.queueUrl()).messageBody(message.body())
                        .messageAttributes(Map.of(COPY_ATTRIBUTE, MessageAttributeValue.builder()
                                .dataType("String").stringValue(message.messageId()).build())));
            }
        }
    }

    private void recordQueueAges(List<Message> messages) {
        long now = System.currentTimeMillis();
        for (Message message : messages) {
            Map<String, String> attributes = message.attributesAsStrings();
            String sent = attributes.get("SentTimestamp");
            if (sent != null && "1".equals(attributes.get("ApproximateReceiveCount"))
                    && !message.messageAttributes().containsKey(COPY_ATTRIBUTE)) {
                faults.chunkQueueAge(Math.max(0, now - Long.parseLong(sent)));
            }
        }
    }

    private static boolean poisoned(Message message) {
        try {
            return JSON.readTree(message.body()).path("key").asText().toLowerCase(Locale.ROOT).contains("poison");
        } catch (IOException e) {
            return false;
        }
    }
}
