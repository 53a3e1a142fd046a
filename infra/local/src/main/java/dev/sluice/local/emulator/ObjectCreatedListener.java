package dev.sluice.local.emulator;

/** Told about every object that lands in the S3 emulator, after it is stored. */
@FunctionalInterface
public interface ObjectCreatedListener {
    /**
     * @param eventName as in S3 event notifications: {@code ObjectCreated:Put}, {@code ObjectCreated:Copy},
     *     {@code ObjectCreated:CompleteMultipartUpload}
     */
    void objectCreated(String bucket, String key, long size, String eTag, String eventName);
}
