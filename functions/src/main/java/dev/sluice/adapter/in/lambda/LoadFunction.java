package dev.sluice.adapter.in.lambda;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.wire.ChunkMessageCodec;
import dev.sluice.application.load.LoadChunk;
import dev.sluice.config.Components;
import dev.sluice.config.Settings;
import dev.sluice.domain.chunk.ChunkMessage;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ChunkQueue → load each chunk once. A failed chunk is reported as a batch item failure, so SQS redelivers
 * only it; after maxReceiveCount deliveries SQS moves it to ChunkDLQ.
 */
public final class LoadFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(LoadFunction.class);

    private final LoadChunk loadChunk;
    private final ObjectMapper json;
    private final boolean tracing;

    public LoadFunction() {
        this(new Components(Settings.fromEnvironment(System.getenv())));
    }

    public LoadFunction(Components components) {
        this.loadChunk = components.loadChunk();
        this.json = components.json();
        this.tracing = components.settings().xrayTracing();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Telemetry.invocation(context, () -> {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage message : event.getRecords()) {
                if (!load(message)) {
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                }
            }
            return new SQSBatchResponse(failures);
        });
    }

    private boolean load(SQSEvent.SQSMessage message) {
        ChunkMessage chunk;
        try {
            chunk = ChunkMessageCodec.decode(json, message.getBody());
        } catch (RuntimeException e) {
            // Retrying cannot fix a malformed body; it goes to the DLQ after maxReceiveCount like any failure.
            LOG.error("message {} is not a chunk message: {}", message.getMessageId(), e.getMessage());
            return false;
        }
        try (Telemetry.LogContext ignored = Telemetry.logContext(chunk.runId(), chunk.chunkNo())) {
            LoadChunk.Result result = ChunkTraceContinuation.traced(tracing, message, "load", chunk.runId(),
                    () -> loadChunk.load(chunk));
            if (result.outcome() == LoadChunk.Outcome.DROPPED) {
                // Acknowledged, not retried: redelivery cannot turn it into a planned chunk of a live run.
                LOG.warn("message {} dropped, nothing loaded or counted: {}", message.getMessageId(),
                        result.dropReason().orElse(""));
                return true;
            }
            // Counts and timings are JSON fields too (Logs Insights reads them without parsing the message).
            LOG.info("chunk {} records {}-{}: {}, {}, {}, loaded now {}, counted now {}; {} (read+parse+write), "
                            + "{}{}",
                    chunk.chunkNo(), chunk.firstRecord(), chunk.lastRecord(), result.outcome(),
                    entry("stored", result.entry().stored()), entry("rejected", result.entry().rejected()),
                    result.loadedNow(), result.countedNow(), entry("writeMillis", result.timings().writeMillis()),
                    entry("countMillis", result.timings().countMillis()),
                    result.finished().map(s -> ", run finished " + s).orElse(""));
            Telemetry.logErrorCodes(LOG, result.errorCodes());
            return true;
        } catch (Exception e) {
            LOG.error("chunk {} of run {} failed (delivery {}); it will be retried", chunk.chunkNo(), chunk.runId(),
                    message.getAttributes() == null ? "?" : message.getAttributes().get("ApproximateReceiveCount"), e);
            try {
                loadChunk.recordFailure(chunk, e);
            } catch (RuntimeException recordError) {
                LOG.warn("could not record the failure of chunk {}", chunk.chunkNo(), recordError);
            }
            return false;
        }
    }
}
