package dev.sluice.application.split;

import java.util.Objects;

/** One object-created notification: which object, how big, and S3's ordering token for it. */
public record S3ObjectEvent(String bucket, String key, long size, String eTag, String sequencer) {
    public S3ObjectEvent {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
    }
}
