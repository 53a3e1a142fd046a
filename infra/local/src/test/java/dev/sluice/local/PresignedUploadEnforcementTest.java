package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.adapter.out.s3.S3ObjectStore;
import dev.sluice.application.port.ObjectStore.PresignedPut;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * What the local S3 (S3Proxy 2.9.0) itself enforces of a presigned upload URL, PUT over real HTTP: the key, the
 * signed Content-Length and Content-Type, the signed x-amz-checksum-sha256 and the expiry. Where S3Proxy does not
 * refuse what real S3 refuses, the test says so, and the splitter's own check (SIZE_MISMATCH, CHECKSUM_MISMATCH)
 * covers it end to end (see UploadSafetyEndToEndTest).
 */
@ExtendWith(SharedStack.class)
class PresignedUploadEnforcementTest {
    private static final String BODY = "date,campaign\n2024-01-01,a\n";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theExactRequestIsStored(LocalSluice sluice) throws Exception {
        Probe probe = probe(sluice, Duration.ofMinutes(5), true);
        assertEquals(200, put(probe.put.url(), probe.put.headers(), BODY).statusCode());
        assertTrue(exists(sluice, probe.key));
    }

    @Test
    void anotherKeyIsRefused(LocalSluice sluice) throws Exception {
        Probe probe = probe(sluice, Duration.ofMinutes(5), false);
        URI other = URI.create(probe.put.url().toString().replace(probe.key, probe.key + ".evil"));
        HttpResponse<String> response = put(other, probe.put.headers(), BODY);
        assertEquals(403, response.statusCode(), response.body());
        assertFalse(exists(sluice, probe.key + ".evil"));
    }

    @Test
    void anotherSizeIsRefused(LocalSluice sluice) throws Exception {
        Probe probe = probe(sluice, Duration.ofMinutes(5), false);
        HttpResponse<String> response = put(probe.put.url(), probe.put.headers(), BODY + "x");
        assertEquals(403, response.statusCode(), response.body());
        assertFalse(exists(sluice, probe.key));
    }

    @Test
    void anotherContentTypeIsRefused(LocalSluice sluice) throws Exception {
        Probe probe = probe(sluice, Duration.ofMinutes(5), false);
        Map<String, String> headers = new java.util.LinkedHashMap<>(probe.put.headers());
        headers.put("Content-Type", "image/png");
        HttpResponse<String> response = put(probe.put.url(), headers, BODY);
        assertEquals(403, response.statusCode(), response.body());
        assertFalse(exists(sluice, probe.key));
    }

    @Test
    void anotherBodyOfTheSameSizeAfterAChecksum(LocalSluice sluice) throws Exception {
        Probe probe = probe(sluice, Duration.ofMinutes(5), true);
        assertTrue(probe.put.headers().containsKey("x-amz-checksum-sha256"), probe.put.headers().toString());
        String other = BODY.replace('a', 'b');
        assertEquals(BODY.length(), other.length());
        HttpResponse<String> response = put(probe.put.url(), probe.put.headers(), other);
        // Real S3 answers 400 BadDigest and stores nothing. S3Proxy 2.9.0 checks the signature (the header is
        // signed) but not the body against it, and stores the object: the splitter's CHECKSUM_MISMATCH is what
        // keeps such a file out of the database locally (UploadSafetyEndToEndTest).
        assertEquals(200, response.statusCode(), "S3Proxy 2.9.0 stores it; if this fails it verifies checksums now");
        assertTrue(exists(sluice, probe.key));
    }

    @Test
    void aChecksumHeaderLeftOutIsRefused(LocalSluice sluice) throws Exception {
        Probe probe = probe(sluice, Duration.ofMinutes(5), true);
        Map<String, String> headers = new java.util.LinkedHashMap<>(probe.put.headers());
        headers.remove("x-amz-checksum-sha256");
        HttpResponse<String> response = put(probe.put.url(), headers, BODY);
        assertEquals(403, response.statusCode(), response.body());
    }

    @Test
    void anExpiredUrlIsRefused(LocalSluice sluice) throws Exception {
        Probe probe = probe(sluice, Duration.ofSeconds(1), false);
        Instant expired = probe.put.expiresAt().plusSeconds(1);
        while (Instant.now().isBefore(expired)) {
            Thread.sleep(Math.max(1, Duration.between(Instant.now(), expired).toMillis()));
        }
        HttpResponse<String> response = put(probe.put.url(), probe.put.headers(), BODY);
        assertEquals(403, response.statusCode(), response.body());
        assertFalse(exists(sluice, probe.key));
    }

    private record Probe(String key, PresignedPut put) {
    }

    private static Probe probe(LocalSluice sluice, Duration ttl, boolean checksum) throws Exception {
        String bucket = sluice.bucketName("UploadBucket");
        String key = "probe/" + UUID.randomUUID() + ".csv";
        String sha = checksum ? Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(BODY.getBytes(StandardCharsets.UTF_8))) : null;
        try (S3Presigner presigner = presigner(sluice)) {
            return new Probe(key, new S3ObjectStore(sluice.s3Client(), presigner, Clock.systemUTC())
                    .presignPut(bucket, key, "text/csv", BODY.length(), sha, ttl));
        }
    }

    private static boolean exists(LocalSluice sluice, String key) {
        return new S3ObjectStore(sluice.s3Client(), null, Clock.systemUTC())
                .exists(sluice.bucketName("UploadBucket"), key);
    }

    private HttpResponse<String> put(URI url, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static S3Presigner presigner(LocalSluice sluice) {
        return S3Presigner.builder().endpointOverride(sluice.s3Endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalSluice.ACCESS_KEY_ID, LocalSluice.SECRET_ACCESS_KEY)))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
    }
}
