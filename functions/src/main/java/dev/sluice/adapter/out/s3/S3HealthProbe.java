package dev.sluice.adapter.out.s3;

import dev.sluice.application.port.HealthProbe;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/** HeadBucket on the upload bucket: the object store answers and the function may reach the bucket. */
public final class S3HealthProbe implements HealthProbe {
    private final S3Client s3;
    private final String bucket;

    public S3HealthProbe(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public String name() {
        return "objectStore";
    }

    @Override
    public Map<String, Object> probe() {
        s3.headBucket(b -> b.bucket(bucket));
        return Map.of();
    }
}
