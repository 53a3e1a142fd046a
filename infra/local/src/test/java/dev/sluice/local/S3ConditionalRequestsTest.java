package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.adapter.out.s3.S3ObjectStore;
import dev.sluice.application.port.ObjectStore.ObjectChangedException;
import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.application.port.ObjectStore.PresignedPut;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * What the local S3 (S3Proxy 2.9.0) does with the conditional requests Sluice relies on to pin a run to one version
 * of its file: GET If-Match (412 for another ETag) and PUT If-None-Match: * (412 when the key is taken), also when
 * signed into a presigned URL. Real S3 does both (conditional writes since August 2024).
 */
@ExtendWith(SharedStack.class)
class S3ConditionalRequestsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aReadPinnedToAnETagFailsOnceTheObjectChanged(LocalSluice sluice) throws Exception {
        String bucket = sluice.bucketName("UploadBucket");
        String key = "probe/" + UUID.randomUUID() + ".csv";
        String first = sluice.s3Client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("one"))
                .eTag();
        try (S3Presigner presigner = presigner(sluice)) {
            S3ObjectStore store = new S3ObjectStore(sluice.s3Client(), presigner, Clock.systemUTC());
            // S3 notifications carry the ETag without quotes; the store quotes it for If-Match.
            ObjectVersion version = new ObjectVersion(first.replace("\"", ""), null);
            try (InputStream in = store.openRange(bucket, key, version, 1, 3)) {
                assertEquals("ne", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            assertTrue(store.exists(bucket, key));
            assertFalse(store.exists(bucket, key + ".missing"));

            sluice.s3Client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("two"));
            ObjectChangedException changed = assertThrows(ObjectChangedException.class,
                    () -> store.openRange(bucket, key, version, 0, 3));
            assertTrue(changed.getMessage().contains(key), changed.getMessage());
            assertThrows(ObjectChangedException.class, () -> store.open(bucket, key, version));
            sluice.s3Client().deleteObject(b -> b.bucket(bucket).key(key));
            assertThrows(ObjectChangedException.class, () -> store.open(bucket, key, version), "a deleted file");
        }
    }

    @Test
    void aPutWithIfNoneMatchCannotReplaceAnObject(LocalSluice sluice) {
        String bucket = sluice.bucketName("UploadBucket");
        String key = "probe/" + UUID.randomUUID() + ".csv";
        sluice.s3Client().putObject(b -> b.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromString("one"));
        S3Exception refused = assertThrows(S3Exception.class, () -> sluice.s3Client().putObject(
                b -> b.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromString("two")));
        assertEquals(412, refused.statusCode());
        assertEquals("one", sluice.s3Client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String());
    }

    @Test
    void anUploadUrlStoresOneObjectAndCannotReplaceIt(LocalSluice sluice) throws Exception {
        String bucket = sluice.bucketName("UploadBucket");
        String key = "probe/" + UUID.randomUUID() + ".csv";
        try (S3Presigner presigner = presigner(sluice)) {
            PresignedPut put = new S3ObjectStore(sluice.s3Client(), presigner, Clock.systemUTC())
                    .presignPut(bucket, key, "text/csv", 5, Duration.ofMinutes(5));
            assertEquals("*", put.headers().get("If-None-Match"), "the client is told to send it");
            assertEquals(200, send(put, "first", true).statusCode());
            HttpResponse<String> second = send(put, "secon", true);
            assertEquals(412, second.statusCode(), second.body());
            assertEquals(403, send(put, "third", false).statusCode(), "If-None-Match is part of the signature");
        }
        assertEquals("first", sluice.s3Client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String());
    }

    private HttpResponse<String> send(PresignedPut put, String body, boolean withHeaders) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(put.url()).PUT(HttpRequest.BodyPublishers.ofString(body));
        if (withHeaders) {
            put.headers().forEach(request::header);
        } else {
            request.header("Content-Type", put.headers().get("Content-Type"));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static S3Presigner presigner(LocalSluice sluice) {
        return S3Presigner.builder().endpointOverride(sluice.s3Endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalSluice.ACCESS_KEY_ID, LocalSluice.SECRET_ACCESS_KEY)))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
    }
}
