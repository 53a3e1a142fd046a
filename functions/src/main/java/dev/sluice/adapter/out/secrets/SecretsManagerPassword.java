package dev.sluice.adapter.out.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.out.postgres.PasswordSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * The database password from a Secrets Manager secret (JSON with a {@code password} key: RDS-managed secrets and
 * the ones the README asks for both have it), read at run time so that a rotation needs no redeploy.
 *
 * <p>One signed {@code GetSecretValue} call over HTTPS rather than the Secrets Manager SDK module, which the
 * project's Maven mirror serves only at SDK versions newer than the BOM the other clients share.
 */
public final class SecretsManagerPassword implements PasswordSource {
    /** Headers java.net.http sets itself and refuses to be given. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final String secretArn;
    private final String region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile String cached;

    public SecretsManagerPassword(String secretArn, String region, AwsCredentialsProvider credentials,
            ObjectMapper json) {
        this(secretArn, region, URI.create("https://secretsmanager." + region + ".amazonaws.com/"), credentials, json);
    }

    public SecretsManagerPassword(String secretArn, String region, URI endpoint, AwsCredentialsProvider credentials,
            ObjectMapper json) {
        this.secretArn = secretArn;
        this.region = region;
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.json = json;
    }

    @Override
    public String password() {
        String password = cached;
        if (password == null) {
            password = fetch();
            cached = password;
        }
        return password;
    }

    @Override
    public void refresh() {
        cached = null;
    }

    private String fetch() {
        byte[] body = json.createObjectNode().put("SecretId", secretArn).toString().getBytes(StandardCharsets.UTF_8);
        SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "secretsmanager.GetSecretValue")
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "secretsmanager")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header : signed.request().headers().entrySet()) {
            if (!RESTRICTED.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
                header.getValue().forEach(value -> builder.header(header.getKey(), value));
            }
        }
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                // The error body names the error type (AccessDenied, ResourceNotFound) and never the secret value.
                throw new IllegalStateException("reading database secret " + secretArn + " failed: HTTP "
                        + response.statusCode() + " " + response.body());
            }
            JsonNode secret = json.readTree(json.readTree(response.body()).path("SecretString").asText("{}"));
            JsonNode password = secret.get("password");
            if (password == null || !password.isTextual()) {
                throw new IllegalStateException("database secret " + secretArn + " has no \"password\" key");
            }
            return password.asText();
        } catch (IOException e) {
            throw new UncheckedIOException("reading database secret " + secretArn + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading database secret " + secretArn, e);
        }
    }
}
