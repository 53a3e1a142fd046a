package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one loop over an SQS batch, for event source mappings with ReportBatchItemFailures: each message is decoded
 * and handled on its own, and only the ones that failed are returned as batch item failures, so SQS deletes the
 * rest and delivers just those again (after maxReceiveCount deliveries, to the queue's DLQ). A message whose body
 * cannot be decoded is a poison message: no delivery can succeed, and the caller's {@link PoisonMessagePolicy}
 * says what becomes of it.
 *
 * @param <T> what a message body decodes to
 */
final class SqsBatch<T> {
    private static final Logger LOG = LoggerFactory.getLogger(SqsBatch.class);
    /** The system attribute Lambda's SQS event source always sets; 1 on the first delivery. */
    static final String RECEIVE_COUNT = "ApproximateReceiveCount";

    /** What becomes of a message whose body cannot be decoded. */
    enum PoisonMessagePolicy {
        /**
         * Reported as failed like any other failure: SQS delivers it again until maxReceiveCount and then moves it
         * to the queue's DLQ, where an operator can read it and whose consumer sees it.
         */
        RETRY_UNTIL_DLQ,
        /**
         * Deleted from the queue with an error log: for the consumer of a DLQ itself, behind which there is no
         * other queue to keep the message.
         */
        DELETE
    }

    /**
     * One delivery of a message: its id, how many times SQS has delivered it (this time included), and the message
     * itself for what else its attributes carry (the loader continues the trace of {@code AWSTraceHeader}).
     */
    record Delivery(String messageId, int receiveCount, SQSEvent.SQSMessage message) {
        Delivery(String messageId, int receiveCount) {
            this(messageId, receiveCount, new SQSEvent.SQSMessage());
        }

        static Delivery of(SQSEvent.SQSMessage message) {
            return new Delivery(message.getMessageId(), receiveCount(message.getAttributes()), message);
        }

        /** The last delivery before SQS moves the message to the DLQ, on a queue with this maxReceiveCount. */
        boolean isLastAttempt(int maxReceiveCount) {
            return receiveCount >= maxReceiveCount;
        }

        /** Missing (an event not from SQS, e.g. a hand-written test event) or unreadable: the first delivery. */
        private static int receiveCount(Map<String, String> attributes) {
            String count = attributes == null ? null : attributes.get(RECEIVE_COUNT);
            if (count == null) {
                return 1;
            }
            try {
                return Math.max(1, Integer.parseInt(count.strip()));
            } catch (NumberFormatException e) {
                return 1;
            }
        }
    }

    /** Handles one decoded message; any exception reports the message as failed, to be delivered again. */
    @FunctionalInterface
    interface MessageHandler<T> {
        void handle(T message, Delivery delivery) throws Exception;
    }

    private final String expected;
    private final Function<String, T> decoder;
    private final PoisonMessagePolicy poisonMessages;
    private final Function<T, Telemetry.LogContext> logContext;
    private final MessageHandler<T> handler;

    private SqsBatch(Builder<T> builder, MessageHandler<T> handler) {
        this.expected = builder.expected;
        this.decoder = builder.decoder;
        this.poisonMessages = Objects.requireNonNull(builder.poisonMessages, "poisonMessages");
        this.logContext = builder.logContext;
        this.handler = handler;
    }

    /** Starts a batch of messages whose bodies are {@code expected} (for log lines), decoded by the function. */
    static <T> Builder<T> decoding(String expected, Function<String, T> decoder) {
        return new Builder<>(expected, decoder);
    }

    static final class Builder<T> {
        private final String expected;
        private final Function<String, T> decoder;
        private PoisonMessagePolicy poisonMessages;
        private Function<T, Telemetry.LogContext> logContext = message -> () -> {
        };

        private Builder(String expected, Function<String, T> decoder) {
            this.expected = expected;
            this.decoder = decoder;
        }

        /** Required: there is no default, each queue's consumer says what a poison message becomes. */
        Builder<T> poisonMessages(PoisonMessagePolicy policy) {
            this.poisonMessages = policy;
            return this;
        }

        /** Log fields for everything logged while a message is handled, its failure included. */
        Builder<T> logContext(Function<T, Telemetry.LogContext> context) {
            this.logContext = context;
            return this;
        }

        SqsBatch<T> handling(MessageHandler<T> handler) {
            return new SqsBatch<>(this, handler);
        }
    }

    /** Handles every message of the batch; the response names the ones SQS must deliver again. */
    SQSBatchResponse process(SQSEvent event) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> messages = event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage message : messages) {
            if (!process(message)) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }

    /** True when SQS may delete the message. */
    private boolean process(SQSEvent.SQSMessage message) {
        Delivery delivery = Delivery.of(message);
        T decoded;
        try {
            decoded = decoder.apply(message.getBody());
        } catch (RuntimeException e) {
            boolean delete = poisonMessages == PoisonMessagePolicy.DELETE;
            LOG.error("message {} (delivery {}) is not {}: {}; {}", delivery.messageId(), delivery.receiveCount(),
                    expected, e.getMessage(), delete ? "deleted" : "left to SQS to redeliver and move to the DLQ");
            return delete;
        }
        // The failure is logged inside the context (a resource closes before its try's catch runs).
        try (Telemetry.LogContext ignored = logContext.apply(decoded)) {
            try {
                handler.handle(decoded, delivery);
                return true;
            } catch (Exception e) {
                LOG.error("message {} (delivery {}) failed; SQS will deliver it again", delivery.messageId(),
                        delivery.receiveCount(), e);
                return false;
            }
        }
    }
}
