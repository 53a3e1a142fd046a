package dev.sluice.adapter.out.s3;

import dev.sluice.application.port.ObjectStore;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/** S3 (or any S3-compatible endpoint). */
public final class S3ObjectStore implements ObjectStore {
    /** HTTP 412: S3 answers a GET whose If-Match names another ETag, and a PUT with If-None-Match: * on a taken key. */
    private static final int PRECONDITION_FAILED = 412;
    private static final int NOT_FOUND = 404;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final Clock clock;

    public S3ObjectStore(S3Client s3, S3Presigner presigner, Clock clock) {
        this.s3 = s3;
        this.presigner = presigner;
        this.clock = clock;
    }

    @Override
    public InputStream open(String bucket, String key, ObjectVersion version) {
        return get(bucket, key, version, null);
    }

    @Override
    public InputStream openRange(String bucket, String key, ObjectVersion version, long start, long endExclusive) {
        if (endExclusive <= start) {
            return InputStream.nullInputStream();
        }
        // HTTP ranges are inclusive at both ends (RFC 9110 section 14.1.2).
        return get(bucket, key, version, "bytes=" + start + "-" + (endExclusive - 1));
    }

    /**
     * A GET pinned to one version. If-Match makes S3 compare the ETag before it sends a byte (412 otherwise), so a
     * reader gets exactly the bytes that were planned or nothing; in a versioned bucket versionId selects them even
     * after an overwrite.
     */
    private InputStream get(String bucket, String key, ObjectVersion version, String range) {
        GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(key).range(range)
                .ifMatch(quoted(version.eTag())).versionId(version.versionId()).build();
        return pinned(bucket, key, version, () -> s3.getObject(request));
    }

    /** S3 event notifications carry the ETag bare; If-Match takes an entity tag, which is quoted (RFC 9110 8.8.3). */
    private static String quoted(String eTag) {
        return eTag == null || eTag.startsWith("\"") ? eTag : "\"" + eTag + "\"";
    }

    private static <T> T pinned(String bucket, String key, ObjectVersion version, Supplier<T> call) {
        try {
            return call.get();
        } catch (NoSuchKeyException e) {
            throw new ObjectChangedException("s3://" + bucket + "/" + key + " is gone (it was deleted)", e);
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED) {
                throw new ObjectChangedException("s3://" + bucket + "/" + key + " is no longer the version with ETag "
                        + version.eTag() + " (it was overwritten)", e);
            }
            if (e.statusCode() == NOT_FOUND && version.versionId() != null) {
                throw new ObjectChangedException("version " + version.versionId() + " of s3://" + bucket + "/" + key
                        + " is gone", e);
            }
            throw e;
        }
    }

    @Override
    public boolean exists(String bucket, String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            // HEAD responses have no body, so S3 reports a missing key as a bare 404 rather than NoSuchKey. (Only
            // with s3:ListBucket on the bucket, which S3ReadPolicy grants; without it S3 answers 403 instead.)
            if (e.statusCode() == NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public PresignedPut presignPut(String bucket, String key, String contentType, long contentLength, Duration ttl) {
        // Content-Type and Content-Length are signed: the URL accepts exactly this key, type and size. If-None-Match: *
        // is signed too (S3 conditional writes, since August 2024): once the object exists, a second PUT with the same
        // URL gets 412 Precondition Failed instead of replacing the file a run is reading or has read.
        PutObjectRequest put = PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType)
                .contentLength(contentLength).ifNoneMatch("*").build();
        PresignedPutObjectRequest presigned = presigner.presignPutObject(p -> p.signatureDuration(ttl)
                .putObjectRequest(put));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("If-None-Match", "*");
        Instant expiresAt = presigned.expiration() != null ? presigned.expiration() : Instant.now(clock).plus(ttl);
        try {
            return new PresignedPut(presigned.url().toURI(), headers, expiresAt);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("presigner produced an invalid URL", e);
        }
    }
}
