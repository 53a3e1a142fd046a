package dev.sluice.adapter.out.s3;

import dev.sluice.application.port.ObjectStore;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/** S3 (or any S3-compatible endpoint). */
public final class S3ObjectStore implements ObjectStore {
    private final S3Client s3;
    private final S3Presigner presigner;
    private final Clock clock;

    public S3ObjectStore(S3Client s3, S3Presigner presigner, Clock clock) {
        this.s3 = s3;
        this.presigner = presigner;
        this.clock = clock;
    }

    @Override
    public InputStream open(String bucket, String key) {
        return s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build());
    }

    @Override
    public InputStream openRange(String bucket, String key, long start, long endExclusive) {
        if (endExclusive <= start) {
            return InputStream.nullInputStream();
        }
        // HTTP ranges are inclusive at both ends (RFC 9110 section 14.1.2).
        String range = "bytes=" + start + "-" + (endExclusive - 1);
        return s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).range(range).build());
    }

    @Override
    public PresignedPut presignPut(String bucket, String key, String contentType, long contentLength, Duration ttl) {
        // Content-Type and Content-Length are signed: the URL accepts exactly this key, type and size.
        PutObjectRequest put = PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType)
                .contentLength(contentLength).build();
        PresignedPutObjectRequest presigned = presigner.presignPutObject(p -> p.signatureDuration(ttl)
                .putObjectRequest(put));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        Instant expiresAt = presigned.expiration() != null ? presigned.expiration() : Instant.now(clock).plus(ttl);
        try {
            return new PresignedPut(presigned.url().toURI(), headers, expiresAt);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("presigner produced an invalid URL", e);
        }
    }
}
