package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.in.lambda.ChunkTraceContinuation;
import dev.sluice.adapter.in.lambda.ChunkTraceContinuation.TraceContext;
import dev.sluice.adapter.out.sqs.SqsChunkSender;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.Mapping;
import dev.sluice.local.function.LocalFunction;
import dev.sluice.local.function.SqsEventSource;
import dev.sluice.local.template.Specs;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The splitter's X-Ray trace header travels with a chunk message through the real queue (ElasticMQ keeps the
 * {@code AWSTraceHeader} system attribute) into the loader's SQS event, where the loader parses it; with tracing
 * off, as locally, nothing else happens.
 */
@ExtendWith(SharedStack.class)
class ChunkTraceHeaderTest {
    private static final String HEADER = "Root=1-6766f2a1-3c5d7e9f1a2b4c6d8e0f1a2b;Parent=53995c3f42cd8ad8;Sampled=1";

    /** Records what the loader would be given. */
    public static final class RecordingLoader {
        final List<SQSEvent.SQSMessage> seen = new CopyOnWriteArrayList<>();

        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            seen.addAll(event.getRecords());
            return new SQSBatchResponse(List.of());
        }
    }

    @Test
    void theTraceHeaderOfTheSplitReachesTheLoaderAndIsContinued(LocalSluice sluice) throws Exception {
        String name = "trace-" + UUID.randomUUID().toString().substring(0, 8);
        String url = sluice.sqsClient().createQueue(b -> b.queueName(name)).queueUrl();
        ObjectMapper json = new ObjectMapper();
        new SqsChunkSender(sluice.sqsClient(), url, json, () -> Optional.of(HEADER)).send(List.of(chunk(1)));
        new SqsChunkSender(sluice.sqsClient(), url, json).send(List.of(chunk(2)));

        RecordingLoader loader = new RecordingLoader();
        Specs.SqsEvent mapping = new Specs.SqsEvent("Chunks", "TraceQueue", 10, true, Optional.of(2), true);
        Specs.Function spec = new Specs.Function("TraceLoader", RecordingLoader.class.getName(), "handleRequest", 30,
                128, Map.of(), List.of(mapping), List.of());
        try (SqsEventSource source = new SqsEventSource(new LocalFunction(spec, Map.of(), loader), mapping, url,
                "arn:aws:sqs:us-east-1:000000000000:" + name, sluice.sqsClient(), 2)) {
            source.start();
            Poll.until(Duration.ofSeconds(20), "both chunk messages delivered", () -> loader.seen.size() >= 2);
        }

        SQSEvent.SQSMessage traced = message(loader, "\"chunkNo\":1");
        assertEquals(HEADER, traced.getAttributes().get("AWSTraceHeader"));
        TraceContext context = ChunkTraceContinuation.of(traced).orElseThrow();
        assertEquals("1-6766f2a1-3c5d7e9f1a2b4c6d8e0f1a2b", context.rootTraceId());
        assertEquals(Optional.of("53995c3f42cd8ad8"), context.parentId());
        assertTrue(context.sampled());
        // Locally tracing is off: the work runs as is, with no X-Ray daemon and no "context missing" error.
        assertEquals("loaded", ChunkTraceContinuation.traced(false, traced, "load", "run", () -> "loaded"));

        SQSEvent.SQSMessage untraced = message(loader, "\"chunkNo\":2");
        assertFalse(untraced.getAttributes().containsKey("AWSTraceHeader"));
        assertEquals(Optional.empty(), ChunkTraceContinuation.of(untraced));
    }

    private static SQSEvent.SQSMessage message(RecordingLoader loader, String bodyPart) {
        return loader.seen.stream().filter(m -> m.getBody().contains(bodyPart)).findFirst().orElseThrow();
    }

    private static ChunkMessage chunk(int chunkNo) {
        Map<CanonicalField, String> columns = new EnumMap<>(CanonicalField.class);
        columns.put(CanonicalField.DATE, "Date");
        columns.put(CanonicalField.CAMPAIGN, "Campaign");
        columns.put(CanonicalField.CHANNEL, "Channel");
        return new ChunkMessage(UUID.randomUUID().toString(), "default", chunkNo, "bucket", "uploads/o/r/f.csv", 0,
                100, 1, 2, 2, new Dialect("UTF-8", 0, ',', '"', List.of("Date", "Campaign", "Channel")),
                new Mapping(columns), NumberStyle.US, "etag", null);
    }
}
