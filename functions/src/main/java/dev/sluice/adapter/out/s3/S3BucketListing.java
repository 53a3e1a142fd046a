package dev.sluice.adapter.out.s3;

import dev.sluice.application.port.BucketListing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** ListObjectsV2 (1,000 keys a page, filtered by Last-Modified here) and HeadObject, for the reconciler. */
public final class S3BucketListing implements BucketListing {
    private final S3Client s3;

    public S3BucketListing(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public List<StoredObject> list(String bucket, String prefix, Instant from, Instant to, int limit) {
        List<StoredObject> objects = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)
                    .continuationToken(token));
            for (S3Object object : page.contents()) {
                if (!object.lastModified().isBefore(from) && object.lastModified().isBefore(to)
                        && objects.size() < limit) {
                    objects.add(new StoredObject(object.key(), object.size(), bare(object.eTag()),
                            object.lastModified()));
                }
            }
            next = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (next != null && objects.size() < limit);
        return objects;
    }

    @Override
    public Optional<StoredObject> head(String bucket, String key) {
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
            return Optional.of(new StoredObject(key, head.contentLength(), bare(head.eTag()), head.lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            // HEAD has no body, so a missing key comes back as a bare 404 rather than NoSuchKey.
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** S3 quotes ETags in listings and headers; its event notifications, and so the runs, keep them bare. */
    private static String bare(String eTag) {
        return eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")
                ? eTag.substring(1, eTag.length() - 1) : eTag;
    }
}
