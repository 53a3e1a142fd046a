package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one SQS batch loop: which messages it reports failed, what delivery it says it is, and its poison policy. */
class SqsBatchTest {
    private final List<String> handled = new ArrayList<>();

    @Test
    void aFailureInMessageTwoOfThreeReportsOnlyMessageTwoAndTheOthersAreStillHandled() {
        SqsBatch<Integer> batch = SqsBatch.decoding("a number", Integer::valueOf)
                .poisonMessages(SqsBatch.PoisonMessagePolicy.RETRY_UNTIL_DLQ)
                .handling((number, delivery) -> {
                    if (number == 2) {
                        throw new IllegalStateException("PostgreSQL is down");
                    }
                    handled.add(delivery.messageId());
                });
        SQSBatchResponse response = batch.process(event(message("m1", "1", null), message("m2", "2", null),
                message("m3", "3", null)));
        assertEquals(List.of("m2"), failedIds(response));
        assertEquals(List.of("m1", "m3"), handled);
    }

    @Test
    void theReceiveCountIsReadFromTheMessageAttributesAndIsOneWhenMissingOrUnreadable() {
        List<Integer> counts = new ArrayList<>();
        SqsBatch<String> batch = SqsBatch.decoding("text", body -> body)
                .poisonMessages(SqsBatch.PoisonMessagePolicy.RETRY_UNTIL_DLQ)
                .handling((body, delivery) -> counts.add(delivery.receiveCount()));
        batch.process(event(message("m1", "a", "4"), message("m2", "b", null), message("m3", "c", "four")));
        assertEquals(List.of(4, 1, 1), counts);
    }

    @Test
    void theLastAttemptIsTheDeliveryThatReachesMaxReceiveCount() {
        assertFalse(new SqsBatch.Delivery("m", 4).isLastAttempt(5));
        assertTrue(new SqsBatch.Delivery("m", 5).isLastAttempt(5));
        assertTrue(new SqsBatch.Delivery("m", 6).isLastAttempt(5), "a redrive may deliver it once more");
    }

    @Test
    void aPoisonMessageIsReportedFailedSoSqsMovesItToTheDlqWhenThePolicySaysRetry() {
        SqsBatch<Integer> batch = SqsBatch.decoding("a number", Integer::valueOf)
                .poisonMessages(SqsBatch.PoisonMessagePolicy.RETRY_UNTIL_DLQ)
                .handling((number, delivery) -> handled.add(delivery.messageId()));
        SQSBatchResponse response = batch.process(event(message("m1", "1", null), message("m2", "two", "5")));
        assertEquals(List.of("m2"), failedIds(response));
        assertEquals(List.of("m1"), handled, "the handler never sees a body that did not decode");
    }

    @Test
    void aPoisonMessageIsDeletedUnhandledWhenThePolicySaysDelete() {
        SqsBatch<Integer> batch = SqsBatch.decoding("a number", Integer::valueOf)
                .poisonMessages(SqsBatch.PoisonMessagePolicy.DELETE)
                .handling((number, delivery) -> handled.add(delivery.messageId()));
        SQSBatchResponse response = batch.process(event(message("m1", "two", null), message("m2", "2", null)));
        assertEquals(List.of(), failedIds(response));
        assertEquals(List.of("m2"), handled);
    }

    @Test
    void aHandlerFailureIsRetriedWhateverThePoisonPolicy() {
        SqsBatch<Integer> batch = SqsBatch.decoding("a number", Integer::valueOf)
                .poisonMessages(SqsBatch.PoisonMessagePolicy.DELETE)
                .handling((number, delivery) -> {
                    throw new java.io.IOException("timed out");
                });
        assertEquals(List.of("m1"), failedIds(batch.process(event(message("m1", "1", null)))));
    }

    @Test
    void anEmptyBatchReportsNoFailures() {
        SqsBatch<String> batch = SqsBatch.decoding("text", body -> body)
                .poisonMessages(SqsBatch.PoisonMessagePolicy.DELETE)
                .handling((body, delivery) -> handled.add(body));
        assertEquals(List.of(), failedIds(batch.process(new SQSEvent())));
    }

    static List<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }

    private static SQSEvent event(SQSEvent.SQSMessage... messages) {
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(messages));
        return event;
    }

    private static SQSEvent.SQSMessage message(String id, String body, String receiveCount) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(id);
        message.setBody(body);
        Map<String, String> attributes = new HashMap<>();
        if (receiveCount != null) {
            attributes.put(SqsBatch.RECEIVE_COUNT, receiveCount);
        }
        message.setAttributes(attributes);
        return message;
    }
}
