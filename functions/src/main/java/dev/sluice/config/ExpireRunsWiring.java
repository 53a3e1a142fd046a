package dev.sluice.config;

import dev.sluice.application.expire.ExpireUploads;

/** ExpireRunsFunction: the sweep over DynamoDB's CREATED runs, checking S3 for files that did arrive. */
public final class ExpireRunsWiring extends FunctionWiring {
    private final ExpireUploads expireUploads;

    public ExpireRunsWiring(Settings settings) {
        super(settings);
        this.expireUploads = new ExpireUploads(adapters.runs(), adapters.objectStore(), settings.uploadUrlTtl(),
                settings.uploadExpiryMargin(), adapters.metrics(), adapters.clock());
    }

    public ExpireUploads expireUploads() {
        return expireUploads;
    }
}
