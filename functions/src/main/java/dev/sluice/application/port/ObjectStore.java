package dev.sluice.application.port;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
     * As {@link #presignPut(String, String, String, long, Duration)}, and when {@code sha256Base64} is given the
     * URL also signs {@code x-amz-checksum-sha256}: S3 refuses a body with another SHA-256.
     */
    default PresignedPut presignPut(String bucket, String key, String contentType, long contentLength,
            String sha256Base64, Duration ttl) {
        if (sha256Base64 != null) {
            throw new UnsupportedOperationException("this store cannot sign a checksum");
        }
        return presignPut(bucket, key, contentType, contentLength, ttl);
    }

    // Multipart uploads and the splitter's own writes. Defaults refuse, so in-memory twins need not implement them.

    /** Starts a multipart upload of the key (it cannot replace an existing object); returns its upload id. */
    default String startMultipart(String bucket, String key, String contentType) {
        throw new UnsupportedOperationException("multipart uploads are not supported by this store");
    }

    /** A URL that lets its holder PUT part {@code partNumber} of exactly {@code size} bytes. */
    default URI presignPart(String bucket, String key, String uploadId, int partNumber, long size, Duration ttl) {
        throw new UnsupportedOperationException("multipart uploads are not supported by this store");
    }

    /** The parts uploaded so far, by part number. */
    default List<UploadedPart> listParts(String bucket, String key, String uploadId) {
        throw new UnsupportedOperationException("multipart uploads are not supported by this store");
    }

    /** Assembles the object from these parts (in order). */
    default void completeMultipart(String bucket, String key, String uploadId, List<UploadedPart> parts) {
        throw new UnsupportedOperationException("multipart uploads are not supported by this store");
    }

    /** Aborts the upload and frees its parts; an unknown (already aborted or completed) upload is no error. */
    default void abortMultipart(String bucket, String key, String uploadId) {
        throw new UnsupportedOperationException("multipart uploads are not supported by this store");
    }

    /**
     * Writes the stream to the key with a bounded buffer (multipart for anything over one part) and returns the
     * version written and its size.
     */
    default Written write(String bucket, String key, String contentType, InputStream content) {
        throw new UnsupportedOperationException("this store cannot write");
    }

    default void delete(String bucket, String key) {
        throw new UnsupportedOperationException("this store cannot delete");
    }

    record UploadedPart(int partNumber, String eTag, long size) {
    }

    record Written(ObjectVersion version, long size) {
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
