package dev.sluice.adapter.in.lambda;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.xray.AWSXRay;
import com.amazonaws.xray.entities.Subsegment;
import dev.sluice.domain.validation.RowErrorCode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Powertools structured logging and X-Ray subsegments for every handler. Off Lambda (the local runtime) there is
 * no X-Ray daemon or trace header, so subsegments are skipped rather than logging "context missing" each time.
 */
final class Telemetry {
    /** Powertools' log field names (its {@code PowertoolsLoggedFields}) and the variable that names the service. */
    private static final String COLD_START_FIELD = "cold_start";
    private static final String SERVICE_FIELD = "service";
    private static final String SERVICE_NAME_VARIABLE = "POWERTOOLS_SERVICE_NAME";

    private Telemetry() {
    }

    /**
     * Functions whose first invocation in this JVM has begun. Powertools decides {@code cold_start} from
     * {@code AWS_LAMBDA_INITIALIZATION_TYPE}, which is absent locally and {@code snap-start} after a SnapStart
     * restore, so it logged {@code false} for the first invocation in both; "first invocation of this function in
     * this JVM" is what an operator means by a cold start on AWS (one function per JVM) and locally (all in one).
     */
    private static final Set<String> STARTED_FUNCTIONS = ConcurrentHashMap.newKeySet();

    /** Runs one invocation with the Lambda context fields (request id, function, cold start) on every log line. */
    static <T> T invocation(Context context, Supplier<T> work) {
        boolean coldStart = STARTED_FUNCTIONS.add(context == null ? "" : String.valueOf(context.getFunctionName()));
        return PowertoolsLogging.withLogging(context, () -> {
            MDC.put(COLD_START_FIELD, Boolean.toString(coldStart));
            // Powertools reads the service name once per JVM from the process environment; the local runtime runs
            // every function in one JVM and hands each its own environment through the context instead.
            if (context instanceof FunctionEnvironment environment) {
                environment.variable(SERVICE_NAME_VARIABLE).ifPresent(service -> MDC.put(SERVICE_FIELD, service));
            }
            return work.get();
        });
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

    /**
     * One line per row error code of a chunk, with the fields {@code errorCode} and {@code errorCount}: the saved
     * query "row error codes by count" sums errorCount by errorCode. A line per code rather than a metric per code:
     * codes are open-ended, and every EMF dimension value would be a billed custom metric.
     */
    static void logErrorCodes(Logger log, Map<RowErrorCode, Integer> errorCodes) {
        errorCodes.forEach((code, count) -> log.info("row errors of this chunk by code: {}, {}",
                entry("errorCode", code.name()), entry("errorCount", count)));
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
