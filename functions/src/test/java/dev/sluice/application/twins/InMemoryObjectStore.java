package dev.sluice.application.twins;

import dev.sluice.application.port.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A bucket in memory. Reads check the version as S3's If-Match does (another ETag, or no object, is an
 * {@link ObjectChangedException}); {@link #failReads} makes the next reads fail as a dropped connection would.
 */
public final class InMemoryObjectStore implements ObjectStore {
    private record StoredObject(byte[] bytes, String eTag) {
    }

    private final Map<String, StoredObject> objects = new HashMap<>();
    private final List<String> presigned = new ArrayList<>();
    private final List<String> aborted = new ArrayList<>();
    private final List<String> copies = new ArrayList<>();
    private final List<String> presignedGets = new ArrayList<>();
    private final List<String> abortedWrites = new ArrayList<>();
    private final Clock clock;
    private int failingReads;
    private int reads;

    public InMemoryObjectStore(Clock clock) {
        this.clock = clock;
    }

    /** Stores the object under the key with the given ETag, replacing any earlier version. */
    public synchronized void put(String bucket, String key, String content, String eTag) {
        objects.put(bucket + "/" + key, new StoredObject(content.getBytes(StandardCharsets.UTF_8), eTag));
    }

    /** Stores these bytes under the key with the given ETag, replacing any earlier version. */
    public synchronized void put(String bucket, String key, byte[] content, String eTag) {
        objects.put(bucket + "/" + key, new StoredObject(content.clone(), eTag));
    }

    /** The object's bytes, if it exists. */
    public synchronized java.util.Optional<byte[]> bytes(String bucket, String key) {
        StoredObject object = objects.get(bucket + "/" + key);
        return java.util.Optional.ofNullable(object == null ? null : object.bytes().clone());
    }

    /** The keys of every object, sorted. */
    public synchronized List<String> keys() {
        return objects.keySet().stream().sorted().toList();
    }

    /** Copies made so far, as "source -> target". */
    public synchronized List<String> copies() {
        return List.copyOf(copies);
    }

    /** Presigned GETs made so far, as "bucket/key contentDisposition". */
    public synchronized List<String> presignedGets() {
        return List.copyOf(presignedGets);
    }

    /** Streamed writes discarded by {@link ObjectSink#abort}, by key. */
    public synchronized List<String> abortedWrites() {
        return List.copyOf(abortedWrites);
    }

    @Override
    public synchronized void copy(String bucket, String sourceKey, ObjectVersion version, String targetKey,
            long size) {
        byte[] bytes = read(bucket, sourceKey, version);
        copies.add(sourceKey + " -> " + targetKey);
        objects.put(bucket + "/" + targetKey, new StoredObject(bytes, "copy-" + copies.size()));
    }

    @Override
    public synchronized PresignedGet presignGet(String bucket, String key, String contentDisposition,
            Duration ttl) {
        presignedGets.add(bucket + "/" + key + " " + contentDisposition);
        return new PresignedGet(URI.create("https://" + bucket + ".s3.test/" + key + "?X-Amz-Expires="
                + ttl.toSeconds()), clock.instant().plus(ttl));
    }

    @Override
    public Written write(String bucket, String key, String contentType, InputStream content) {
        try {
            byte[] bytes = content.readAllBytes();
            put(bucket, key, bytes, "written-" + key.hashCode());
            return new Written(new ObjectVersion("written-" + key.hashCode(), null), bytes.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ObjectSink create(String bucket, String key, String contentType) {
        java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
        return new ObjectSink() {
            private boolean done;

            @Override
            public void write(int b) {
                written.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                written.write(b, off, len);
            }

            @Override
            public void close() {
                if (!done) {
                    done = true;
                    put(bucket, key, written.toByteArray(), "written");
                }
            }

            @Override
            public void abort() {
                if (!done) {
                    done = true;
                    synchronized (InMemoryObjectStore.this) {
                        abortedWrites.add(key);
                    }
                }
            }
        };
    }

    public synchronized void delete(String bucket, String key) {
        objects.remove(bucket + "/" + key);
    }

    /** The next {@code count} reads throw an IOException mid-stream, as a reset connection does. */
    public synchronized void failReads(int count) {
        failingReads = count;
    }

    /** Reads started (whole or ranged), failed ones included. */
    public synchronized int reads() {
        return reads;
    }

    /** The keys presigned for a PUT, as "bucket/key contentType length". */
    public synchronized List<String> presigned() {
        return List.copyOf(presigned);
    }

    @Override
    public synchronized InputStream open(String bucket, String key, ObjectVersion version) {
        byte[] bytes = read(bucket, key, version);
        return stream(bytes, 0, bytes.length);
    }

    @Override
    public synchronized InputStream openRange(String bucket, String key, ObjectVersion version, long start,
            long endExclusive) {
        byte[] bytes = read(bucket, key, version);
        return stream(bytes, (int) start, (int) (Math.min(endExclusive, bytes.length) - start));
    }

    private byte[] read(String bucket, String key, ObjectVersion version) {
        reads++;
        StoredObject object = objects.get(bucket + "/" + key);
        if (object == null) {
            throw new ObjectChangedException("s3://" + bucket + "/" + key + " does not exist", null);
        }
        if (version.eTag() != null && !version.eTag().equals(object.eTag())) {
            throw new ObjectChangedException("s3://" + bucket + "/" + key + " is ETag " + object.eTag() + ", not "
                    + version.eTag(), null);
        }
        return object.bytes();
    }

    private InputStream stream(byte[] bytes, int offset, int length) {
        if (failingReads > 0) {
            failingReads--;
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    throw new IOException("Connection reset");
                }
            };
        }
        return new ByteArrayInputStream(bytes, offset, length);
    }

    @Override
    public synchronized boolean exists(String bucket, String key) {
        return objects.containsKey(bucket + "/" + key);
    }

    @Override
    public synchronized PresignedPut presignPut(String bucket, String key, String contentType, long contentLength,
            Duration ttl) {
        presigned.add(bucket + "/" + key + " " + contentType + " " + contentLength);
        try {
            URI url = new URI("https", bucket + ".s3.test", "/" + key, "X-Amz-Expires=" + ttl.toSeconds(), null);
            return new PresignedPut(url, Map.of("Content-Type", contentType), clock.instant().plus(ttl));
        } catch (java.net.URISyntaxException e) {
            throw new UncheckedIOException(new IOException("cannot presign " + key, e));
        }
    }

    /** Starts a multipart upload: only its id is kept (the parts' PUTs go to S3, never through this port). */
    @Override
    public synchronized String startMultipart(String bucket, String key, String contentType) {
        presigned.add(bucket + "/" + key + " " + contentType + " multipart");
        return "upload-" + presigned.size();
    }

    @Override
    public synchronized URI presignPart(String bucket, String key, String uploadId, int partNumber, long size,
            Duration ttl) {
        return URI.create("https://" + bucket + ".s3.test/" + key.replace(" ", "%20") + "?uploadId=" + uploadId
                + "&partNumber=" + partNumber + "&X-Amz-Expires=" + ttl.toSeconds());
    }

    /** Upload ids aborted so far, in order. */
    public synchronized List<String> aborted() {
        return List.copyOf(aborted);
    }

    @Override
    public synchronized void abortMultipart(String bucket, String key, String uploadId) {
        aborted.add(uploadId);
    }
}
