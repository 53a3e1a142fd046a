package dev.sluice.config;

import dev.sluice.application.publish.RepublishStuck;
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

    /** Runs in PUBLISHING for longer than the reconcile window get their publish message again. */
    public RepublishStuck republishStuck() {
        return new RepublishStuck(adapters.runs(), adapters.publishSender(), settings().reconcileWindow(),
                adapters.clock());
    }

    public ReconcileObjects reconcileObjects() {
        return reconcileObjects;
    }
}
