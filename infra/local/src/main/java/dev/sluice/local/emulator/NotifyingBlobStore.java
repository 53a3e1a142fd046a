package dev.sluice.local.emulator;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.CopyOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/**
 * S3Proxy stores objects through a jclouds BlobStore and sends no bucket notifications; this wrapper reports
 * each created object to an {@link ObjectCreatedListener} once it is stored, like S3's ObjectCreated events.
 */
final class NotifyingBlobStore extends ForwardingBlobStore {
    private final ObjectCreatedListener listener;
    /** S3Proxy writes a 0-byte stub named after the upload id when a multipart upload starts; not an object. */
    private final Set<String> multipartStubs = ConcurrentHashMap.newKeySet();

    NotifyingBlobStore(BlobStore delegate, ObjectCreatedListener listener) {
        super(delegate);
        this.listener = listener;
    }

    @Override
    public String putBlob(String container, Blob blob) {
        String eTag = super.putBlob(container, blob);
        afterPut(container, blob, eTag);
        return eTag;
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
        String eTag = super.putBlob(container, blob, options);
        afterPut(container, blob, eTag);
        return eTag;
    }

    @Override
    public MultipartUpload initiateMultipartUpload(String container, BlobMetadata metadata, PutOptions options) {
        MultipartUpload upload = super.initiateMultipartUpload(container, metadata, options);
        multipartStubs.add(upload.id());
        return upload;
    }

    @Override
    public void abortMultipartUpload(MultipartUpload upload) {
        super.abortMultipartUpload(upload);
        multipartStubs.remove(upload.id());
    }

    @Override
    public String completeMultipartUpload(MultipartUpload upload, List<MultipartPart> parts) {
        String eTag = super.completeMultipartUpload(upload, parts);
        multipartStubs.remove(upload.id());
        notify(upload.containerName(), upload.blobName(), eTag, "ObjectCreated:CompleteMultipartUpload");
        return eTag;
    }

    @Override
    public String copyBlob(String fromContainer, String fromName, String toContainer, String toName,
            CopyOptions options) {
        String eTag = super.copyBlob(fromContainer, fromName, toContainer, toName, options);
        notify(toContainer, toName, eTag, "ObjectCreated:Copy");
        return eTag;
    }

    private void afterPut(String container, Blob blob, String eTag) {
        String key = blob.getMetadata().getName();
        if (multipartStubs.contains(key)) {
            return;
        }
        notify(container, key, eTag, "ObjectCreated:Put");
    }

    private void notify(String container, String key, String eTag, String eventName) {
        long size = 0;
        String tag = eTag;
        BlobMetadata stored = delegate().blobMetadata(container, key);
        if (stored != null) {
            if (stored.getSize() != null) {
                size = stored.getSize();
            }
            if (stored.getETag() != null) {
                tag = stored.getETag();
            }
        }
        if (tag != null) {
            tag = tag.replace("\"", "");
        }
        listener.objectCreated(container, key, size, tag, eventName);
    }
}
