package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.sluice.application.reconcile.ReconcileObjects;
import dev.sluice.config.ReconcileWiring;
import dev.sluice.config.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EventBridge schedule → sends again the S3 notification of every file older than the reconcile window that no run
 * took (a notification S3 never delivered). The scheduled event carries nothing the sweep needs.
 */
public final class ReconcileFunction
        implements RequestHandler<Map<String, Object>, Map<String, Object>>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileFunction.class);

    private final ReconcileObjects reconcileObjects;
    private final Supplier<List<String>> republishStuck;
    private final Runnable closer;

    /** Lambda's constructor: wired from the process environment. */
    public ReconcileFunction() {
        this(Settings.fromEnvironment(System.getenv()));
    }

    /** Wired from the given settings, for a runtime that hosts several functions in one JVM (the local one). */
    public ReconcileFunction(Settings settings) {
        this(new ReconcileWiring(settings));
    }

    private ReconcileFunction(ReconcileWiring wiring) {
        this(wiring.reconcileObjects(), wiring.republishStuck()::republishStuck, wiring::close);
    }

    public ReconcileFunction(ReconcileObjects reconcileObjects) {
        this(reconcileObjects, List::of, () -> {
        });
    }

    private ReconcileFunction(ReconcileObjects reconcileObjects, Supplier<List<String>> republishStuck,
            Runnable closer) {
        this.reconcileObjects = reconcileObjects;
        this.republishStuck = republishStuck;
        this.closer = closer;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return Telemetry.invocation(context, () -> {
            ReconcileObjects.Sweep sweep = reconcileObjects.sweep();
            if (!sweep.uploads().isEmpty() || !sweep.drops().isEmpty()) {
                // Each is a notification S3 did not deliver in time (or at all): worth an operator's look.
                LOG.warn("sent the S3 event again for {} upload(s) {} and {} drop(s) {} older than the window",
                        sweep.uploads().size(), sweep.uploads(), sweep.drops().size(), sweep.drops());
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("uploads", sweep.uploads().size());
            result.put("drops", sweep.drops().size());
            List<String> republished = republishStuck.get();
            if (!republished.isEmpty()) {
                LOG.warn("sent the publish message again for {} run(s) PUBLISHING for longer than the window: {}",
                        republished.size(), republished);
                result.put("republished", republished.size());
            }
            return result;
        });
    }

    /** Releases the clients this handler built (the local runtime calls it at stop; Lambda never does). */
    @Override
    public void close() {
        closer.run();
    }
}
