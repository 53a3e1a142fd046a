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

    // Exports and re-runs.

    /**
     * Copies exactly the given version of {@code sourceKey} to {@code targetKey} in the same bucket, server-side (no
     * byte passes through the caller). {@code size} is the source's size: above S3's 5 GiB CopyObject limit the copy
     * is a multipart copy.
     *
     * @throws ObjectChangedException when the source is not that version any more (or is gone)
     */
    default void copy(String bucket, String sourceKey, ObjectVersion version, String targetKey, long size) {
        throw new UnsupportedOperationException("this store cannot copy");
    }

    /**
     * A URL that lets its holder GET exactly this key until {@code ttl} has passed; S3 answers it with this
     * {@code Content-Disposition} (signed into the URL), so a browser saves the file under the name it gives.
     */
    default PresignedGet presignGet(String bucket, String key, String contentDisposition, Duration ttl) {
        throw new UnsupportedOperationException("this store cannot presign a GET");
    }

    record PresignedGet(URI url, Instant expiresAt) {
    }

    /**
     * An object written as it is produced: bytes go out in parts of a bounded size (a multipart upload once more than
     * one part is written), so any size is written in constant memory. {@link ObjectSink#close} completes the object;
     * {@link ObjectSink#abort} discards everything written.
     */
    default ObjectSink create(String bucket, String key, String contentType) {
        throw new UnsupportedOperationException("this store cannot write");
    }

    /** See {@link #create}. */
    abstract class ObjectSink extends java.io.OutputStream {
        /** Discards what was written; the object is not created. Safe to call more than once, or after close. */
        public abstract void abort();
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
