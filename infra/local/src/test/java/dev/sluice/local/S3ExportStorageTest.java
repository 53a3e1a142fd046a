package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.adapter.out.s3.S3ObjectStore;
import dev.sluice.application.export.ContentDisposition;
import dev.sluice.application.port.ObjectStore.ObjectChangedException;
import dev.sluice.application.port.ObjectStore.ObjectSink;
import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.application.port.ObjectStore.PresignedGet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * What exports and re-runs need of the local S3 (S3Proxy), through S3ObjectStore: an object written as a stream
 * (one PUT, or a multipart upload past one part) or aborted without a trace, a presigned GET a plain HTTP client can
 * follow, and server-side copies pinned to one version (CopyObject and UploadPartCopy).
 */
@ExtendWith(SharedStack.class)
class S3ExportStorageTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aStreamedObjectIsOnePutWhenSmallAndAMultipartUploadWhenLarge(LocalSluice sluice) throws Exception {
        String bucket = sluice.bucketName("UploadBucket");
        try (S3Presigner presigner = presigner(sluice)) {
            S3ObjectStore store = new S3ObjectStore(sluice.s3Client(), presigner, Clock.systemUTC());
            for (int size : new int[] {0, 1000, 8 * 1024 * 1024, 20 * 1024 * 1024 + 7}) {
                byte[] bytes = new byte[size];
                new Random(size).nextBytes(bytes);
                String key = "exports/probe/" + UUID.randomUUID() + ".csv";
                try (ObjectSink sink = store.create(bucket, key, "text/csv; charset=utf-8")) {
                    for (int from = 0; from < size; from += 100_000) {
                        sink.write(bytes, from, Math.min(100_000, size - from));
                    }
                }
                assertArrayEquals(bytes, sluice.s3Client().getObjectAsBytes(b -> b.bucket(bucket).key(key))
                        .asByteArray(), size + " bytes");
            }
        }
    }

    @Test
    void anAbortedStreamLeavesNeitherObjectNorUpload(LocalSluice sluice) throws Exception {
        String bucket = sluice.bucketName("UploadBucket");
        String key = "exports/probe/" + UUID.randomUUID() + ".csv";
        try (S3Presigner presigner = presigner(sluice)) {
            S3ObjectStore store = new S3ObjectStore(sluice.s3Client(), presigner, Clock.systemUTC());
            ObjectSink sink = store.create(bucket, key, "text/csv");
            sink.write(new byte[9 * 1024 * 1024]);
            sink.write(1);
            sink.abort();
            sink.abort();
            sink.close();
            assertFalse(store.exists(bucket, key));
            assertTrue(sluice.s3Client().listMultipartUploads(b -> b.bucket(bucket).prefix(key)).uploads().isEmpty(),
                    "the started multipart upload is aborted");
        }
    }

    @Test
    void aPresignedGetWorksFromAPlainHttpClientWithTheSignedDisposition(LocalSluice sluice) throws Exception {
        String bucket = sluice.bucketName("UploadBucket");
        String key = "exports/probe/" + UUID.randomUUID() + ".csv";
        sluice.s3Client().putObject(b -> b.bucket(bucket).key(key).contentType("text/csv; charset=utf-8"),
                RequestBody.fromString("a,b\r\n1,2\r\n"));
        try (S3Presigner presigner = presigner(sluice)) {
            S3ObjectStore store = new S3ObjectStore(sluice.s3Client(), presigner, Clock.systemUTC());
            String disposition = ContentDisposition.attachment("Frühjahr-errors.csv");
            PresignedGet get = store.presignGet(bucket, key, disposition, Duration.ofMinutes(5));

            HttpResponse<String> response = http.send(HttpRequest.newBuilder(get.url()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("a,b\r\n1,2\r\n", response.body());
            assertEquals(disposition, response.headers().firstValue("Content-Disposition").orElseThrow());

            URI otherKey = URI.create(get.url().toString().replace(key, key + "x"));
            assertEquals(403, http.send(HttpRequest.newBuilder(otherKey).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), "the URL allows exactly its key");
        }
    }

    @Test
    void aCopyTakesExactlyThePinnedVersionWithOneCopyOrPartCopies(LocalSluice sluice) throws Exception {
        String bucket = sluice.bucketName("UploadBucket");
        String source = "probe/" + UUID.randomUUID() + "/source.csv";
        String eTag = sluice.s3Client().putObject(b -> b.bucket(bucket).key(source),
                RequestBody.fromString("date,campaign\r\n")).eTag().replace("\"", "");
        try (S3Presigner presigner = presigner(sluice)) {
            S3ObjectStore single = new S3ObjectStore(sluice.s3Client(), presigner, Clock.systemUTC());
            S3ObjectStore parts = new S3ObjectStore(sluice.s3Client(), presigner, Clock.systemUTC(), 1);
            for (S3ObjectStore store : new S3ObjectStore[] {single, parts}) {
                String target = "probe/" + UUID.randomUUID() + "/copy.csv";
                store.copy(bucket, source, new ObjectVersion(eTag, null), target, 15);
                assertEquals("date,campaign\r\n", sluice.s3Client().getObjectAsBytes(b -> b.bucket(bucket)
                        .key(target)).asUtf8String());
                assertThrows(ObjectChangedException.class, () -> store.copy(bucket, source,
                        new ObjectVersion("0123456789abcdef0123456789abcdef", null), target + ".2", 15));
                assertThrows(ObjectChangedException.class, () -> store.copy(bucket, source + ".gone",
                        new ObjectVersion(eTag, null), target + ".3", 15));
                assertFalse(store.exists(bucket, target + ".2"));
            }
        }
    }

    private static S3Presigner presigner(LocalSluice sluice) {
        return S3Presigner.builder().endpointOverride(sluice.s3Endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalSluice.ACCESS_KEY_ID, LocalSluice.SECRET_ACCESS_KEY)))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
    }
}
