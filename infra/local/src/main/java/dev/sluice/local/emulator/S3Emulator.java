package dev.sluice.local.emulator;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3Exception;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.ContainerNotFoundException;
import org.jclouds.blobstore.KeyNotFoundException;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.CopyOptions;
import org.jclouds.blobstore.options.GetOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.jclouds.http.HttpResponseException;
import org.jclouds.io.Payload;
import org.jclouds.rest.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3 on S3Proxy over the jclouds {@code filesystem} provider: one directory per bucket under
 * {@code DATA_DIR/s3}. SigV4 is checked, so presigned URLs behave like S3's (wrong signature, expired URL
 * or another Content-Type → 403).
 */
public final class S3Emulator implements Emulator {
    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final BlobStore blobStore;
    private final URI endpoint;

    private S3Emulator(S3Proxy proxy, BlobStoreContext context, BlobStore blobStore, URI endpoint) {
        this.proxy = proxy;
        this.context = context;
        this.blobStore = blobStore;
        this.endpoint = endpoint;
    }

    public static S3Emulator start(Path dataDir, String accessKeyId, String secretAccessKey,
            ObjectCreatedListener listener) throws Exception {
        Files.createDirectories(dataDir);
        Properties properties = new Properties();
        properties.setProperty(FilesystemConstants.PROPERTY_BASEDIR, dataDir.toAbsolutePath().toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
                .credentials("local", "local")
                .overrides(properties)
                .build(BlobStoreContext.class);
        BlobStore blobStore = new SafeErrors(new NotifyingBlobStore(context.getBlobStore(), listener), dataDir);
        // Browsers PUT straight to presigned URLs from the web app's origin (template CorsConfiguration).
        CrossOriginResourceSharing cors = new CrossOriginResourceSharing(List.of("*"),
                List.of("GET", "HEAD", "PUT", "POST"), List.of("*"), List.of("ETag", "x-amz-request-id"), "false");
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKeyId, secretAccessKey)
                .ignoreUnknownHeaders(true)
                .corsRules(cors)
                .build();
        try {
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) {
                Thread.onSpinWait();
            }
        } catch (Exception e) {
            context.close();
            throw e;
        }
        return new S3Emulator(proxy, context, blobStore, URI.create("http://127.0.0.1:" + proxy.getPort()));
    }

    /**
     * Keeps the store's own failures out of S3 responses. S3Proxy answers an exception it does not know with the
     * servlet container's error page, which holds the exception's text (a file-system path of the data directory)
     * and its stack; S3 itself answers with an error code and a request id. Here a key the local file system
     * cannot hold becomes an {@code InvalidArgument} (400), anything else an {@code InternalError} (500), each
     * an S3 XML error naming a request id that the log line with the details carries. The exceptions S3Proxy
     * maps to S3 errors itself (no such bucket or key, preconditions) pass through unchanged.
     */
    static final class SafeErrors extends ForwardingBlobStore {
        private static final Logger LOG = LoggerFactory.getLogger(S3Emulator.class);
        private final String dataDir;

        SafeErrors(BlobStore delegate, Path dataDir) {
            super(delegate);
            this.dataDir = dataDir.toAbsolutePath().toString();
        }

        @Override
        public String putBlob(String container, Blob blob) {
            return guarded(container, blob.getMetadata().getName(), () -> super.putBlob(container, blob));
        }

        @Override
        public String putBlob(String container, Blob blob, PutOptions options) {
            return guarded(container, blob.getMetadata().getName(), () -> super.putBlob(container, blob, options));
        }

        @Override
        public String copyBlob(String fromContainer, String fromName, String toContainer, String toName,
                CopyOptions options) {
            return guarded(toContainer, toName,
                    () -> super.copyBlob(fromContainer, fromName, toContainer, toName, options));
        }

        @Override
        public MultipartUpload initiateMultipartUpload(String container, BlobMetadata metadata, PutOptions options) {
            return guarded(container, metadata.getName(),
                    () -> super.initiateMultipartUpload(container, metadata, options));
        }

        @Override
        public MultipartPart uploadMultipartPart(MultipartUpload upload, int partNumber, Payload payload) {
            return guarded(upload.containerName(), upload.blobName(),
                    () -> super.uploadMultipartPart(upload, partNumber, payload));
        }

        @Override
        public String completeMultipartUpload(MultipartUpload upload, List<MultipartPart> parts) {
            return guarded(upload.containerName(), upload.blobName(),
                    () -> super.completeMultipartUpload(upload, parts));
        }

        @Override
        public Blob getBlob(String container, String name, GetOptions options) {
            return guarded(container, name, () -> super.getBlob(container, name, options));
        }

        @Override
        public BlobMetadata blobMetadata(String container, String name) {
            return guarded(container, name, () -> super.blobMetadata(container, name));
        }

        private <T> T guarded(String container, String key, Supplier<T> call) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                if (mappedByS3Proxy(e) && !mentionsDataDir(e)) {
                    throw e;
                }
                String requestId = UUID.randomUUID().toString();
                if (causedByNameTooLong(e)) {
                    LOG.warn("s3 {}/{}: the local file system cannot hold this key (request id {}): {}", container,
                            key, requestId, e.toString());
                    throw s3Error(S3ErrorCode.INVALID_ARGUMENT, "A segment of the key (between two '/') is longer "
                            + "than the 255 bytes the local store's file system allows for one name (S3 allows 1,024 "
                            + "bytes for the whole key). Request id " + requestId + ".");
                }
                LOG.error("s3 {}/{} failed (request id {})", container, key, requestId, e);
                throw s3Error(S3ErrorCode.INTERNAL_ERROR, "The local S3 store failed; the details are in its log "
                        + "under request id " + requestId + ".");
            }
        }

        /**
         * S3Proxy's own exception, which its handler answers with an S3 XML error ({@code <Error><Code>}); its
         * constructors are package-private, and the BlobStore interface declares no checked exception, so it is
         * built reflectively and thrown unchecked. Should that ever fail, a bare 500 without text is sent.
         */
        private static RuntimeException s3Error(S3ErrorCode code, String message) {
            Exception error;
            try {
                Constructor<S3Exception> constructor =
                        S3Exception.class.getDeclaredConstructor(S3ErrorCode.class, String.class);
                constructor.setAccessible(true);
                error = constructor.newInstance(code, message);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.warn("cannot build S3Proxy's S3Exception: {}", e.toString());
                return new HttpResponseException("", null, null);
            }
            return S3Emulator.<RuntimeException>throwUnchecked(error);
        }

        /** Exceptions S3Proxy turns into an S3 error or a status with their message (no stack). */
        private static boolean mappedByS3Proxy(RuntimeException e) {
            return e instanceof ContainerNotFoundException || e instanceof KeyNotFoundException
                    || e instanceof HttpResponseException || e instanceof AuthorizationException
                    || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof UnsupportedOperationException;
        }

        private boolean mentionsDataDir(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t.getMessage() != null && t.getMessage().contains(dataDir)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean causedByNameTooLong(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof IOException && t.getMessage() != null
                        && t.getMessage().contains("File name too long")) {
                    return true;
                }
            }
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> RuntimeException throwUnchecked(Exception e) throws E {
        throw (E) e;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The store behind the emulator (bucket creation without HTTP). */
    public BlobStore blobStore() {
        return blobStore;
    }

    @Override
    public void stop() throws Exception {
        try {
            proxy.stop();
        } finally {
            context.close();
        }
    }
}
