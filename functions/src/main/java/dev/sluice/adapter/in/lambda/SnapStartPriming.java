package dev.sluice.adapter.in.lambda;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a warm-up just before Lambda takes a SnapStart snapshot (the function publishes a version), so restored
 * instances start with the classes loaded and the code paths of a first request already run. Nothing that must
 * differ between instances is created here: connections are opened per request, after the restore.
 *
 * <p>Off Lambda (the local runtime, tests) no checkpoint is ever taken and the warm-up never runs.
 */
final class SnapStartPriming implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);

    private final Runnable warmUp;

    private SnapStartPriming(Runnable warmUp) {
        this.warmUp = warmUp;
    }

    /** CRaC keeps resources by weak reference: the caller must hold the returned object for its lifetime. */
    static SnapStartPriming register(Runnable warmUp) {
        SnapStartPriming priming = new SnapStartPriming(warmUp);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        try {
            warmUp.run();
        } catch (RuntimeException e) {
            // A failed warm-up costs the first request some time; it must never cost the snapshot.
            LOG.warn("SnapStart warm-up failed; continuing without it: {}", e.toString());
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to renew: no connection or clock value is held across the snapshot.
    }
}
