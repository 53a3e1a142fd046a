package dev.sluice.adapter.in.lambda;

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

/** ChunkDLQ → record the chunk as dead so its run still finishes (PARTIAL) and says which chunk and why. */
public final class DeadChunkFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(DeadChunkFunction.class);

    private final LoadChunk loadChunk;
    private final ObjectMapper json;

    public DeadChunkFunction() {
        this(new Components(Settings.fromEnvironment(System.getenv())));
    }

    public DeadChunkFunction(Components components) {
        this.loadChunk = components.loadChunk();
        this.json = components.json();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Telemetry.invocation(context, () -> {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage message : event.getRecords()) {
                ChunkMessage chunk;
                try {
                    chunk = ChunkMessageCodec.decode(json, message.getBody());
                } catch (RuntimeException e) {
                    // Nothing to mark: a body that was never a chunk message. Dropped with an error log.
                    LOG.error("dead message {} is not a chunk message: {}", message.getMessageId(), e.getMessage());
                    continue;
                }
                try (Telemetry.LogContext ignored = Telemetry.logContext(chunk.runId(), chunk.chunkNo())) {
                    LoadChunk.Result result = loadChunk.markDead(chunk);
                    if (result.outcome() == LoadChunk.Outcome.DROPPED) {
                        // Deleted from ChunkDLQ: it is no chunk this function may count, now or on any redelivery.
                        LOG.warn("dead message {} dropped, nothing written or counted: {}", message.getMessageId(),
                                result.dropReason().orElse(""));
                        continue;
                    }
                    LOG.warn("chunk {} (records {}-{}) is {}{}", chunk.chunkNo(), chunk.firstRecord(),
                            chunk.lastRecord(), result.entry().outcome(),
                            result.finished().map(s -> "; run finished " + s).orElse(""));
                    Telemetry.logErrorCodes(LOG, result.errorCodes());
                } catch (Exception e) {
                    LOG.error("could not mark chunk {} of run {} dead; will retry", chunk.chunkNo(), chunk.runId(), e);
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                }
            }
            return new SQSBatchResponse(failures);
        });
    }
}
