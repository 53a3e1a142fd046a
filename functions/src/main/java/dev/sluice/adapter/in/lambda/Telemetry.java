package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.xray.AWSXRay;
import com.amazonaws.xray.entities.Subsegment;
import java.util.function.Supplier;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Powertools structured logging and X-Ray subsegments for every handler. Off Lambda (the local runtime) there is
 * no X-Ray daemon or trace header, so subsegments are skipped rather than logging "context missing" each time.
 */
final class Telemetry {
    private Telemetry() {
    }

    /** Runs one invocation with the Lambda context fields (request id, function, cold start) on every log line. */
    static <T> T invocation(Context context, Supplier<T> work) {
        return PowertoolsLogging.withLogging(context, work);
    }

    /** Runs work in an X-Ray subsegment named after the step, annotated with the run id, when tracing is on. */
    static <T> T traced(boolean tracing, String step, String runId, Supplier<T> work) {
        if (!tracing) {
            return work.get();
        }
        Subsegment subsegment = AWSXRay.beginSubsegment(step);
        try {
            if (runId != null) {
                subsegment.putAnnotation("runId", runId);
            }
            return work.get();
        } catch (RuntimeException e) {
            subsegment.addException(e);
            throw e;
        } finally {
            AWSXRay.endSubsegment();
        }
    }

    /** Log fields for the duration of a try block. */
    interface LogContext extends AutoCloseable {
        @Override
        void close();
    }

    /** Puts run id and chunk number on every log line of the current record. */
    static LogContext logContext(String runId, Integer chunkNo) {
        if (runId != null) {
            MDC.put("runId", runId);
        }
        if (chunkNo != null) {
            MDC.put("chunkNo", chunkNo.toString());
        }
        return () -> {
            MDC.remove("runId");
            MDC.remove("chunkNo");
        };
    }
}
