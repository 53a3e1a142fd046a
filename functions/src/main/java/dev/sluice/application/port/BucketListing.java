package dev.sluice.application.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the reconciler reads about the objects in the bucket: listings and single objects' metadata. */
public interface BucketListing {

    /**
     * The objects under {@code prefix} last modified in {@code [from, to)}, at most {@code limit}, in key order. Every
     * key under the prefix is listed (S3 cannot filter by time); only the matches are kept.
     */
    List<StoredObject> list(String bucket, String prefix, Instant from, Instant to, int limit);

    /** The object under the key, when there is one. */
    Optional<StoredObject> head(String bucket, String key);

    /** An object as S3 lists it; {@code eTag} without the quotes S3 puts around it in listings. */
    record StoredObject(String key, long size, String eTag, Instant lastModified) {
    }
}
