package dev.sluice.config;

import dev.sluice.application.reconcile.ReconcileObjects;

/** ReconcileFunction: the sweep over the bucket and the runs table for S3 events that never arrived. */
public final class ReconcileWiring extends FunctionWiring {
    private final ReconcileObjects reconcileObjects;

    public ReconcileWiring(Settings settings) {
        super(settings);
        this.reconcileObjects = new ReconcileObjects(adapters.runs(), adapters.bucketListing(),
                adapters.ingestSender(), settings.uploadBucket(), settings.reconcileWindow(),
                settings.reconcileLookBack(), settings.uploadLimits(), adapters.clock(),
                adapters.reconcileMarkers(), adapters.ingestBacklog());
    }

    public ReconcileObjects reconcileObjects() {
        return reconcileObjects;
    }
}
