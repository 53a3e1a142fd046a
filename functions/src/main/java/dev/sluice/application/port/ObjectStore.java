package dev.sluice.application.port;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The bucket that holds uploaded and dropped files. */
public interface ObjectStore {

    /** Streams the whole object. The caller closes the stream. */
    InputStream open(String bucket, String key);

    /** Streams bytes {@code [start, endExclusive)} of the object with a ranged GET. */
    InputStream openRange(String bucket, String key, long start, long endExclusive);

    /** A URL that lets its holder PUT exactly this key, with exactly this length and content type. */
    PresignedPut presignPut(String bucket, String key, String contentType, long contentLength, Duration ttl);

    record PresignedPut(URI url, Map<String, String> headers, Instant expiresAt) {
    }
}
