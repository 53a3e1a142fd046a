package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.sluice.application.expire.ExpireUploads;
import dev.sluice.config.ExpireRunsWiring;
import dev.sluice.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EventBridge schedule → ends the runs whose upload never arrived (EXPIRED). The scheduled event (detail-type
 * "Scheduled Event") carries nothing the sweep needs, so it is taken as a plain map.
 */
public final class ExpireRunsFunction
        implements RequestHandler<Map<String, Object>, Map<String, Object>>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExpireRunsFunction.class);

    private final ExpireUploads expireUploads;
    private final Runnable closer;

    /** Lambda's constructor: wired from the process environment. */
    public ExpireRunsFunction() {
        this(Settings.fromEnvironment(System.getenv()));
    }

    /** Wired from the given settings, for a runtime that hosts several functions in one JVM (the local one). */
    public ExpireRunsFunction(Settings settings) {
        this(new ExpireRunsWiring(settings));
    }

    private ExpireRunsFunction(ExpireRunsWiring wiring) {
        this(wiring.expireUploads(), wiring::close);
    }

    public ExpireRunsFunction(ExpireUploads expireUploads) {
        this(expireUploads, () -> {
        });
    }

    private ExpireRunsFunction(ExpireUploads expireUploads, Runnable closer) {
        this.expireUploads = expireUploads;
        this.closer = closer;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return Telemetry.invocation(context, () -> {
            ExpireUploads.Sweep sweep = expireUploads.sweep();
            if (!sweep.expired().isEmpty()) {
                LOG.info("{} run(s) expired without an upload: {}", sweep.expired().size(), sweep.expired());
            }
            if (!sweep.arrived().isEmpty()) {
                LOG.warn("{} run(s) past their upload deadline have their file but are still CREATED (notification "
                        + "delayed?): {}", sweep.arrived().size(), sweep.arrived());
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("expired", sweep.expired().size());
            result.put("arrivedButNotStarted", sweep.arrived().size());
            return result;
        });
    }

    /** Releases the clients this handler built (the local runtime calls it at stop; Lambda never does). */
    @Override
    public void close() {
        closer.run();
    }
}
