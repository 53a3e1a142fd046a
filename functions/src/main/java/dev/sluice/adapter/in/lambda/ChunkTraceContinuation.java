package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.xray.AWSXRay;
import com.amazonaws.xray.entities.Subsegment;
import com.amazonaws.xray.entities.TraceHeader;
import dev.sluice.adapter.wire.TraceHeaders;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Continues the trace a chunk message carries ({@code AWSTraceHeader}, set by the splitter) in the loader.
 *
 * <p>On Lambda the function's segment belongs to the Lambda service and a batch may hold messages of several
 * traces, so the SDK cannot re-parent it (it refuses to begin segments inside a function). Lambda links the
 * invocation's trace to the traces of the SQS messages in its batch (X-Ray's SQS-to-Lambda trace linking); the
 * step's subsegment records which upstream trace and parent it continues as annotations, so "everything of this
 * upload" is one X-Ray filter expression ({@code annotation.upstreamTraceId = "1-…"}) even where the console does
 * not draw the link. Without tracing (the local runtime, which has no X-Ray daemon) the header is still parsed,
 * so a malformed one shows up in tests, and nothing is sent anywhere.
 *
 * <p>Kept apart from {@link LoadFunction} so the shared SQS batch loop can call it per message.
 */
public final class ChunkTraceContinuation {
    /** The upstream trace of a message, as the loader continues it. */
    public record TraceContext(String rootTraceId, Optional<String> parentId, boolean sampled) {
    }

    private ChunkTraceContinuation() {
    }

    /** The trace context the message carries; empty when it carries none (sent untraced, or by hand). */
    public static Optional<TraceContext> of(SQSEvent.SQSMessage message) {
        Map<String, String> attributes = message.getAttributes();
        String header = attributes == null ? null : attributes.get(TraceHeaders.SQS_ATTRIBUTE);
        return TraceHeaders.parse(header).map(parsed -> new TraceContext(parsed.getRootTraceId().toString(),
                Optional.ofNullable(parsed.getParentId()),
                parsed.getSampled() == TraceHeader.SampleDecision.SAMPLED));
    }

    /**
     * Runs one message's work in a subsegment named after the step when tracing is on, annotated with the run id
     * and the trace the message continues.
     */
    public static <T> T traced(boolean tracing, SQSEvent.SQSMessage message, String step, String runId,
            Supplier<T> work) {
        if (!tracing) {
            return work.get();
        }
        Optional<TraceContext> upstream = of(message);
        Subsegment subsegment = AWSXRay.beginSubsegment(step);
        try {
            if (runId != null) {
                subsegment.putAnnotation("runId", runId);
            }
            upstream.ifPresent(context -> {
                subsegment.putAnnotation("upstreamTraceId", context.rootTraceId());
                context.parentId().ifPresent(parent -> subsegment.putAnnotation("upstreamParentId", parent));
            });
            return work.get();
        } catch (RuntimeException e) {
            subsegment.addException(e);
            throw e;
        } finally {
            AWSXRay.endSubsegment();
        }
    }
}
