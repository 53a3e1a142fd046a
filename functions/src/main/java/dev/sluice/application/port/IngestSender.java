package dev.sluice.application.port;

/** Puts an object-created notification on IngestQueue, in the shape S3 itself sends. */
public interface IngestSender {

    /**
     * @param sequencer S3's ordering token for the event; with the bucket, key and ETag it names a drop's run, so the
     *                  same value must be sent for the same object every time
     */
    void send(String bucket, String key, long size, String eTag, String sequencer);
}
