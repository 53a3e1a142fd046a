package dev.sluice.application.port;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The bucket that holds uploaded and dropped files. */
public interface ObjectStore {

    /**
     * Streams the whole object, but only the given version of it. The caller closes the stream.
     *
     * @throws ObjectChangedException when the object is no longer that version (or is gone)
     */
    InputStream open(String bucket, String key, ObjectVersion version);

    /**
     * Streams bytes {@code [start, endExclusive)} of the given version of the object with a ranged GET.
     *
     * @throws ObjectChangedException when the object is no longer that version (or is gone)
     */
    InputStream openRange(String bucket, String key, ObjectVersion version, long start, long endExclusive);

    /** Whether an object exists under the key (any version). */
    boolean exists(String bucket, String key);

    /**
     * A URL that lets its holder PUT exactly this key, with exactly this length and content type, once: the URL
     * cannot replace an object that already exists under the key (where the store supports conditional writes).
     */
    PresignedPut presignPut(String bucket, String key, String contentType, long contentLength, Duration ttl);

    record PresignedPut(URI url, Map<String, String> headers, Instant expiresAt) {
    }

    /**
     * Which version of an object to read. {@code eTag} is compared with {@code If-Match}; {@code versionId} selects the
     * version in a versioned bucket. Either may be null; with both null any version is read.
     */
    record ObjectVersion(String eTag, String versionId) {
        public static final ObjectVersion ANY = new ObjectVersion(null, null);
    }

    /**
     * The object is not the version a run planned on any more: it was overwritten or deleted. Retrying cannot help,
     * so callers treat it as a permanent failure ({@code FILE_CHANGED}).
     */
    final class ObjectChangedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ObjectChangedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
