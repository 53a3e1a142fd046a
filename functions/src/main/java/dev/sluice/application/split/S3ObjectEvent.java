package dev.sluice.application.split;

import dev.sluice.application.port.ObjectStore.ObjectVersion;
import java.util.Objects;

/**
 * One object-created notification: which object, which version of it (ETag, and the version id when the bucket is
 * versioned), how big, and S3's ordering token for it.
 */
public record S3ObjectEvent(String bucket, String key, long size, String eTag, String sequencer, String versionId) {
    public S3ObjectEvent {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
    }

    /** A notification from an unversioned bucket (S3 sends no versionId then). */
    public S3ObjectEvent(String bucket, String key, long size, String eTag, String sequencer) {
        this(bucket, key, size, eTag, sequencer, null);
    }

    public ObjectVersion version() {
        return new ObjectVersion(eTag, versionId);
    }
}
