package dev.sluice.adapter.out.s3;

import dev.sluice.application.port.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/** S3 (or any S3-compatible endpoint). */
public final class S3ObjectStore implements ObjectStore {
    /** HTTP 412: S3 answers a GET whose If-Match names another ETag, and a PUT with If-None-Match: * on a taken key. */
    private static final int PRECONDITION_FAILED = 412;
    private static final int NOT_FOUND = 404;
    /** Part size of the splitter's own writes: S3's minimum for all but the last part is 5 MiB. */
    private static final int WRITE_PART_BYTES = 8 * 1024 * 1024;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final Clock clock;
    private final long singleCopyLimit;

    public S3ObjectStore(S3Client s3, S3Presigner presigner, Clock clock) {
        this(s3, presigner, clock, SINGLE_COPY_LIMIT);
    }

    /** @param singleCopyLimit the largest object copied with one CopyObject (tests lower it to reach UploadPartCopy) */
    public S3ObjectStore(S3Client s3, S3Presigner presigner, Clock clock, long singleCopyLimit) {
        this.s3 = s3;
        this.presigner = presigner;
        this.clock = clock;
        this.singleCopyLimit = singleCopyLimit;
    }

    @Override
    public InputStream open(String bucket, String key, ObjectVersion version) {
        return get(bucket, key, version, null);
    }

    @Override
    public InputStream openRange(String bucket, String key, ObjectVersion version, long start, long endExclusive) {
        if (endExclusive <= start) {
            return InputStream.nullInputStream();
        }
        // HTTP ranges are inclusive at both ends (RFC 9110 section 14.1.2).
        return get(bucket, key, version, "bytes=" + start + "-" + (endExclusive - 1));
    }

    /**
     * A GET pinned to one version. If-Match makes S3 compare the ETag before it sends a byte (412 otherwise), so a
     * reader gets exactly the bytes that were planned or nothing; in a versioned bucket versionId selects them even
     * after an overwrite.
     */
    private InputStream get(String bucket, String key, ObjectVersion version, String range) {
        GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(key).range(range)
                .ifMatch(quoted(version.eTag())).versionId(version.versionId()).build();
        return pinned(bucket, key, version, () -> s3.getObject(request));
    }

    /** S3 event notifications carry the ETag bare; If-Match takes an entity tag, which is quoted (RFC 9110 8.8.3). */
    private static String quoted(String eTag) {
        return eTag == null || eTag.startsWith("\"") ? eTag : "\"" + eTag + "\"";
    }

    private static <T> T pinned(String bucket, String key, ObjectVersion version, Supplier<T> call) {
        try {
            return call.get();
        } catch (NoSuchKeyException e) {
            throw new ObjectChangedException("s3://" + bucket + "/" + key + " is gone (it was deleted)", e);
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED) {
                throw new ObjectChangedException("s3://" + bucket + "/" + key + " is no longer the version with ETag "
                        + version.eTag() + " (it was overwritten)", e);
            }
            if (e.statusCode() == NOT_FOUND && version.versionId() != null) {
                throw new ObjectChangedException("version " + version.versionId() + " of s3://" + bucket + "/" + key
                        + " is gone", e);
            }
            throw e;
        }
    }

    @Override
    public boolean exists(String bucket, String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            // HEAD responses have no body, so S3 reports a missing key as a bare 404 rather than NoSuchKey. (Only
            // with s3:ListBucket on the bucket, which S3ReadPolicy grants; without it S3 answers 403 instead.)
            if (e.statusCode() == NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public PresignedPut presignPut(String bucket, String key, String contentType, long contentLength, Duration ttl) {
        return presignPut(bucket, key, contentType, contentLength, null, ttl);
    }

    @Override
    public PresignedPut presignPut(String bucket, String key, String contentType, long contentLength,
            String sha256Base64, Duration ttl) {
        // Content-Type and Content-Length are signed: the URL accepts exactly this key, type and size. If-None-Match: *
        // is signed too (S3 conditional writes, since August 2024): once the object exists, a second PUT with the same
        // URL gets 412 Precondition Failed instead of replacing the file a run is reading or has read. With a
        // checksum, x-amz-checksum-sha256 is signed as well and S3 refuses a body whose SHA-256 differs (400).
        PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType)
                .contentLength(contentLength).ifNoneMatch("*");
        if (sha256Base64 != null) {
            put.checksumSHA256(sha256Base64);
        }
        PresignedPutObjectRequest presigned = presigner.presignPutObject(p -> p.signatureDuration(ttl)
                .putObjectRequest(put.build()));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("If-None-Match", "*");
        // Every other signed header the client must send as signed (the host and the length it sets itself).
        presigned.signedHeaders().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.equals("host") && !lower.equals("content-length") && !lower.equals("content-type")
                    && !lower.equals("if-none-match") && !values.isEmpty()) {
                headers.put(lower, values.get(0));
            }
        });
        Instant expiresAt = presigned.expiration() != null ? presigned.expiration() : Instant.now(clock).plus(ttl);
        return new PresignedPut(uri(presigned.url()), headers, expiresAt);
    }

    @Override
    public String startMultipart(String bucket, String key, String contentType) {
        return s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)).uploadId();
    }

    @Override
    public URI presignPart(String bucket, String key, String uploadId, int partNumber, long size, Duration ttl) {
        UploadPartRequest part = UploadPartRequest.builder().bucket(bucket).key(key).uploadId(uploadId)
                .partNumber(partNumber).contentLength(size).build();
        return uri(presigner.presignUploadPart(p -> p.signatureDuration(ttl).uploadPartRequest(part)).url());
    }

    @Override
    public List<UploadedPart> listParts(String bucket, String key, String uploadId) {
        List<UploadedPart> parts = new ArrayList<>();
        s3.listPartsPaginator(b -> b.bucket(bucket).key(key).uploadId(uploadId)).parts().forEach(part ->
                parts.add(new UploadedPart(part.partNumber(), part.eTag(), part.size())));
        return parts;
    }

    @Override
    public void completeMultipart(String bucket, String key, String uploadId, List<UploadedPart> parts) {
        List<CompletedPart> completed = parts.stream().map(p -> CompletedPart.builder().partNumber(p.partNumber())
                .eTag(p.eTag()).build()).toList();
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(completed)));
    }

    @Override
    public void abortMultipart(String bucket, String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (NoSuchUploadException e) {
            // Aborted or completed before: nothing left to free.
        } catch (S3Exception e) {
            if (e.statusCode() != NOT_FOUND) {
                throw e;
            }
        }
    }

    @Override
    public Written write(String bucket, String key, String contentType, InputStream content) {
        try {
            byte[] buffer = new byte[WRITE_PART_BYTES];
            int length = content.readNBytes(buffer, 0, buffer.length);
            if (length < buffer.length) {
                PutObjectResponse put = s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType),
                        RequestBody.fromBytes(Arrays.copyOf(buffer, length)));
                return new Written(new ObjectVersion(bare(put.eTag()), put.versionId()), length);
            }
            String uploadId = startMultipart(bucket, key, contentType);
            try {
                List<CompletedPart> parts = new ArrayList<>();
                long size = 0;
                int partNumber = 1;
                while (length > 0) {
                    int number = partNumber++;
                    String eTag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                            RequestBody.fromBytes(Arrays.copyOf(buffer, length))).eTag();
                    parts.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
                    size += length;
                    length = content.readNBytes(buffer, 0, buffer.length);
                }
                CompleteMultipartUploadResponse done = s3.completeMultipartUpload(b -> b.bucket(bucket).key(key)
                        .uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
                return new Written(new ObjectVersion(bare(done.eTag()), done.versionId()), size);
            } catch (IOException | RuntimeException e) {
                abortMultipart(bucket, key, uploadId);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing s3://" + bucket + "/" + key, e);
        }
    }

    @Override
    public void delete(String bucket, String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    /** S3's largest CopyObject (5 GiB); a larger object is copied with UploadPartCopy. */
    public static final long SINGLE_COPY_LIMIT = 5L * 1024 * 1024 * 1024;
    /** Part size of a multipart copy: 10,000 parts of 1 GiB cover S3's 5 TiB object limit. */
    private static final long COPY_PART_BYTES = 1024L * 1024 * 1024;

    @Override
    public void copy(String bucket, String sourceKey, ObjectVersion version, String targetKey, long size) {
        // If-Match on the source (x-amz-copy-source-if-match) makes S3 copy exactly the version the caller names,
        // or answer 412; a version id pins it in a versioned bucket.
        String eTag = quoted(version.eTag());
        if (size <= singleCopyLimit) {
            pinned(bucket, sourceKey, version, () -> s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(sourceKey)
                    .sourceVersionId(version.versionId()).copySourceIfMatch(eTag)
                    .destinationBucket(bucket).destinationKey(targetKey)));
            return;
        }
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(targetKey)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (long start = 0; start < size; start += COPY_PART_BYTES) {
                int number = parts.size() + 1;
                String range = "bytes=" + start + "-" + (Math.min(size, start + COPY_PART_BYTES) - 1);
                String partETag = pinned(bucket, sourceKey, version, () -> s3.uploadPartCopy(b -> b
                        .sourceBucket(bucket).sourceKey(sourceKey).sourceVersionId(version.versionId())
                        .copySourceIfMatch(eTag).copySourceRange(range).destinationBucket(bucket)
                        .destinationKey(targetKey).uploadId(uploadId).partNumber(number))).copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(partETag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(targetKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (RuntimeException e) {
            abortMultipart(bucket, targetKey, uploadId);
            throw e;
        }
    }

    @Override
    public PresignedGet presignGet(String bucket, String key, String contentDisposition, Duration ttl) {
        GetObjectRequest get = GetObjectRequest.builder().bucket(bucket).key(key)
                .responseContentDisposition(contentDisposition).build();
        PresignedGetObjectRequest presigned = presigner.presignGetObject(p -> p.signatureDuration(ttl)
                .getObjectRequest(get));
        Instant expiresAt = presigned.expiration() != null ? presigned.expiration() : Instant.now(clock).plus(ttl);
        return new PresignedGet(uri(presigned.url()), expiresAt);
    }

    @Override
    public ObjectSink create(String bucket, String key, String contentType) {
        return new PartSink(bucket, key, contentType);
    }

    /**
     * Holds one part in memory: the object is one PUT when it fits in one part, else a multipart upload whose parts
     * go out as the buffer fills (every part but the last is {@value #WRITE_PART_BYTES} bytes, above S3's 5 MiB
     * minimum).
     */
    private final class PartSink extends ObjectSink {
        private final String bucket;
        private final String key;
        private final String contentType;
        private final byte[] buffer = new byte[WRITE_PART_BYTES];
        private final List<CompletedPart> parts = new ArrayList<>();
        private int length;
        private String uploadId;
        private boolean finished;

        PartSink(String bucket, String key, String contentType) {
            this.bucket = bucket;
            this.key = key;
            this.contentType = contentType;
        }

        @Override
        public void write(int b) {
            if (length == buffer.length) {
                sendPart();
            }
            buffer[length++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int count) {
            checkOpen();
            while (count > 0) {
                if (length == buffer.length) {
                    sendPart();
                }
                int n = Math.min(count, buffer.length - length);
                System.arraycopy(bytes, offset, buffer, length, n);
                length += n;
                offset += n;
                count -= n;
            }
        }

        private void checkOpen() {
            if (finished) {
                throw new IllegalStateException("s3://" + bucket + "/" + key + " is already completed or aborted");
            }
        }

        /** A full buffer is sent only once more bytes follow, so an object of exactly one part is a plain PUT. */
        private void sendPart() {
            checkOpen();
            if (uploadId == null) {
                uploadId = startMultipart(bucket, key, contentType);
            }
            int number = parts.size() + 1;
            String eTag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                    RequestBody.fromInputStream(new java.io.ByteArrayInputStream(buffer, 0, length), length)).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
            length = 0;
        }

        @Override
        public void close() {
            if (finished) {
                return;
            }
            try {
                if (uploadId == null) {
                    s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType),
                            RequestBody.fromInputStream(new java.io.ByteArrayInputStream(buffer, 0, length), length));
                } else {
                    if (length > 0) {
                        sendPart();
                    }
                    s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                            .multipartUpload(m -> m.parts(parts)));
                }
                finished = true;
            } catch (RuntimeException e) {
                abort();
                throw e;
            }
        }

        @Override
        public void abort() {
            finished = true;
            if (uploadId != null) {
                abortMultipart(bucket, key, uploadId);
                uploadId = null;
            }
        }
    }

    private static String bare(String eTag) {
        return eTag == null ? null : eTag.replace("\"", "");
    }

    private static URI uri(java.net.URL url) {
        try {
            return url.toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("presigner produced an invalid URL", e);
        }
    }
}
