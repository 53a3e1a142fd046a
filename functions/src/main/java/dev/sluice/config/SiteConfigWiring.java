package dev.sluice.config;

import software.amazon.awssdk.services.s3.S3Client;

/** SiteConfigFunction: one S3 client for the site bucket's config.json. */
public final class SiteConfigWiring extends FunctionWiring {
    private final S3Client s3;

    public SiteConfigWiring(Settings settings) {
        super(settings);
        this.s3 = adapters.s3();
    }

    public S3Client s3() {
        return s3;
    }
}
