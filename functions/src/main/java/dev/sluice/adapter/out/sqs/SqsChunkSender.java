package dev.sluice.adapter.out.sqs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.wire.ChunkMessageCodec;
import dev.sluice.application.port.ChunkSender;
import dev.sluice.domain.chunk.ChunkMessage;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** Sends chunk messages to ChunkQueue, ten per SendMessageBatch (the SQS maximum per batch). */
public final class SqsChunkSender implements ChunkSender {
    static final int MAX_BATCH = 10;
    private static final int MAX_ATTEMPTS = 5;

    private final SqsClient sqs;
    private final String queueUrl;
    private final ObjectMapper json;

    public SqsChunkSender(SqsClient sqs, String queueUrl, ObjectMapper json) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.json = json;
    }

    @Override
    public void send(List<ChunkMessage> chunks) {
        for (int from = 0; from < chunks.size(); from += MAX_BATCH) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (ChunkMessage chunk : chunks.subList(from, Math.min(chunks.size(), from + MAX_BATCH))) {
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(chunk.chunkNo()))
                        .messageBody(ChunkMessageCodec.encode(json, chunk))
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
