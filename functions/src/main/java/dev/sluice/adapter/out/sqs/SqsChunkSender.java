package dev.sluice.adapter.out.sqs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.wire.ChunkMessageCodec;
import dev.sluice.adapter.wire.TraceHeaders;
import dev.sluice.application.port.ChunkSender;
import dev.sluice.domain.chunk.ChunkMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeNameForSends;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Sends chunk messages to ChunkQueue, ten per SendMessageBatch (the SQS maximum per batch), each with the sender's
 * X-Ray trace header in the {@code AWSTraceHeader} system attribute when there is one, so the loader's work joins
 * the trace of the split (and, through S3's propagation, of the upload).
 */
public final class SqsChunkSender implements ChunkSender {
    static final int MAX_BATCH = 10;
    private static final int MAX_ATTEMPTS = 5;

    private final SqsClient sqs;
    private final String queueUrl;
    private final ObjectMapper json;
    private final Supplier<Optional<String>> traceHeader;

    public SqsChunkSender(SqsClient sqs, String queueUrl, ObjectMapper json) {
        this(sqs, queueUrl, json, Optional::empty);
    }

    /** {@code traceHeader} is asked once per send, on the sending thread (X-Ray keeps its context per thread). */
    public SqsChunkSender(SqsClient sqs, String queueUrl, ObjectMapper json, Supplier<Optional<String>> traceHeader) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.json = json;
        this.traceHeader = traceHeader;
    }

    @Override
    public void send(List<ChunkMessage> chunks) {
        Map<MessageSystemAttributeNameForSends, MessageSystemAttributeValue> trace = traceHeader.get()
                .map(header -> Map.of(MessageSystemAttributeNameForSends.AWS_TRACE_HEADER,
                        MessageSystemAttributeValue.builder().dataType("String").stringValue(header).build()))
                .orElse(Map.of());
        for (int from = 0; from < chunks.size(); from += MAX_BATCH) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (ChunkMessage chunk : chunks.subList(from, Math.min(chunks.size(), from + MAX_BATCH))) {
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(chunk.chunkNo()))
                        .messageBody(ChunkMessageCodec.encode(json, chunk))
                        .messageSystemAttributes(trace)
                        .build());
            }
            sendBatch(entries);
        }
    }

    /** SendMessageBatch can succeed for some entries and fail for others; only the failed ones are re-sent. */
    private void sendBatch(List<SendMessageBatchRequestEntry> entries) {
        List<SendMessageBatchRequestEntry> pending = entries;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            List<SendMessageBatchRequestEntry> batch = pending;
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(batch));
            if (response.failed().isEmpty()) {
                return;
            }
            if (attempt == MAX_ATTEMPTS) {
                BatchResultErrorEntry first = response.failed().get(0);
                throw new IllegalStateException("SQS rejected " + response.failed().size() + " chunk messages: "
                        + first.code() + " " + first.message());
            }
            List<String> failedIds = response.failed().stream().map(BatchResultErrorEntry::id).toList();
            pending = pending.stream().filter(e -> failedIds.contains(e.id())).toList();
        }
    }
}
