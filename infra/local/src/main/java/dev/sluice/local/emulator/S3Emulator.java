package dev.sluice.local.emulator;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;

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
        BlobStore blobStore = new NotifyingBlobStore(context.getBlobStore(), listener);
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
