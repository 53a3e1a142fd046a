package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.source.PullSource;
import dev.sluice.config.Components;
import dev.sluice.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EventBridge Scheduler (one schedule per source; locally the runtime's timer) → one scheduled pull of the source
 * named by the event's {@code sourceId}; with {@code "trigger": "manual"} it is the API's run-now instead. A
 * disabled source, a missing one, or one still being pulled is skipped and
 * logged, not retried: the next firing comes anyway. The answer says what happened (for the local runtime and logs).
 */
public final class PullFunction implements RequestHandler<Map<String, Object>, Map<String, Object>>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PullFunction.class);

    private final PullSource pulls;
    private final Runnable closer;

    /** Lambda's constructor: wired from the process environment. */
    public PullFunction() {
        this(new Components(Settings.fromEnvironment(System.getenv())));
    }

    /** Wired from the given components (the local runtime's per-function ones). */
    public PullFunction(Components components) {
        this(components.sources().pull(), components::close);
    }

    public PullFunction(PullSource pulls) {
        this(pulls, () -> {
        });
    }

    private PullFunction(PullSource pulls, Runnable closer) {
        this.pulls = pulls;
        this.closer = closer;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return Telemetry.invocation(context, () -> {
            Object id = event == null ? null : event.get("sourceId");
            Map<String, Object> result = new LinkedHashMap<>();
            if (!(id instanceof String sourceId) || sourceId.isBlank()) {
                LOG.warn("scheduled event without a sourceId; nothing pulled");
                result.put("outcome", "no-source-id");
                return result;
            }
            result.put("sourceId", sourceId);
            String trigger = "manual".equals(event.get("trigger")) ? "manual" : "schedule";
            try {
                Optional<PullSource.Result> pulled = pulls.pull(sourceId, trigger);
                if (pulled.isEmpty()) {
                    LOG.info("source {} is disabled; scheduled pull skipped", sourceId);
                    result.put("outcome", "disabled");
                    return result;
                }
                result.put("outcome", pulled.get().pull().status().wireName());
                result.put("pullId", pulled.get().pullId());
                result.put("runId", pulled.get().runId());
                LOG.info("scheduled pull {} of source {}: {} (run {})", pulled.get().pullId(), sourceId,
                        pulled.get().pull().status().wireName(), pulled.get().runId());
            } catch (InvalidRequestException e) {
                // Run-now (the API) shows this refusal to the user as it is; a schedule just skips.
                LOG.info("{} pull of source {} skipped: {}", trigger, sourceId, e.getMessage());
                result.put("outcome", e.code().toLowerCase(java.util.Locale.ROOT));
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("code", e.code());
                error.put("status", e.httpStatus());
                error.put("message", e.getMessage());
                result.put("error", error);
            }
            return result;
        });
    }

    @Override
    public void close() {
        closer.run();
    }
}
