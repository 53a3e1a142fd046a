package dev.sluice.adapter.wire;

import com.amazonaws.xray.AWSXRay;
import com.amazonaws.xray.entities.Entity;
import com.amazonaws.xray.entities.TraceHeader;
import java.util.Optional;

/**
 * The X-Ray trace header a chunk message carries from the splitter to the loader, in the SQS system attribute
 * {@code AWSTraceHeader} ({@code Root=1-…;Parent=…;Sampled=1}). SQS stores it beside the body, not in it, and Lambda
 * hands it back in the record's {@code attributes}, so the chunk body keeps one format whether tracing is on or not.
 */
public final class TraceHeaders {
    /** The name SQS uses both in SendMessage's MessageSystemAttributes and in a received message's attributes. */
    public static final String SQS_ATTRIBUTE = "AWSTraceHeader";

    private TraceHeaders() {
    }

    /**
     * The header of the X-Ray segment or subsegment current on this thread (on Lambda with {@code Tracing: Active},
     * the function's segment or the step's subsegment), empty when there is none. Call it only where tracing is on:
     * elsewhere the recorder has no daemon to talk to.
     */
    public static Optional<String> current() {
        Entity entity = AWSXRay.getGlobalRecorder().getTraceEntity();
        return entity == null ? Optional.empty() : Optional.of(TraceHeader.fromEntity(entity).toString());
    }

    /**
     * Parses a header; empty when it is absent or has no well-formed root trace id (a message sent by hand, or by a
     * producer that was not traced). The X-Ray SDK makes up a fresh root for a header without one, which would
     * claim a trace that never existed.
     */
    public static Optional<TraceHeader> parse(String header) {
        if (header == null || !header.contains("Root=")) {
            return Optional.empty();
        }
        TraceHeader parsed = TraceHeader.fromString(header);
        if (parsed.getRootTraceId() == null || !header.contains("Root=" + parsed.getRootTraceId())) {
            return Optional.empty();
        }
        return Optional.of(parsed);
    }
}
