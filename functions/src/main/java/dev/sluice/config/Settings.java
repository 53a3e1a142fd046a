package dev.sluice.config;

import dev.sluice.application.upload.UploadLimits;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every environment variable Sluice reads, read in one place. Lambda passes the process environment; the
 * local runtime passes the variables it resolved from template.yaml plus the emulator endpoints.
 */
public record Settings(
        String region,
        String runsTable,
        String datasetsTable,
        String uploadBucket,
        String chunkQueueUrl,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        Optional<String> databaseSecretArn,
        long chunkBytes,
        int chunkMaxRecords,
        Duration uploadUrlTtl,
        Duration uploadExpiryMargin,
        long maxFileBytes,
        int databasePoolSize,
        int ingestMaxReceiveCount,
        Duration chunkVisibilityTimeout,
        boolean localRuntime,
        boolean xrayTracing,
        Optional<URI> s3Endpoint,
        Optional<URI> s3PublicEndpoint,
        Optional<URI> sqsEndpoint,
        Optional<URI> dynamoDbEndpoint,
        Optional<StaticCredentials> staticCredentials,
        Optional<URI> webSocketCallbackUrl,
        Duration webSocketPostTimeout,
        boolean metricsDisabled,
        String metricsNamespace,
        String serviceName,
        int webSocketMaxConnectionsPerUser,
        List<String> webSocketAllowedOrigins,
        Optional<String> tokenIssuer,
        Optional<String> tokenAudience,
        UploadLimits uploadLimits,
        Optional<String> ingestQueueUrl,
        Duration reconcileWindow,
        Duration reconcileLookBack,
        Duration chunkRetryBase,
        Optional<String> chunkDlqUrl,
        Optional<String> deliveryQueueUrl,
        SourceSettings sources,
        Optional<String> publishQueueUrl,
        boolean chunkQueueAgeFromCloudWatch) {

    /** Credentials the local runtime hands to its emulators; on AWS the default provider chain is used. */
    public record StaticCredentials(String accessKeyId, String secretAccessKey) {
    }

    public static Settings fromEnvironment(Map<String, String> env) {
        boolean localRuntime = Boolean.parseBoolean(env.getOrDefault("SLUICE_LOCAL", "false"));
        return new Settings(
                env.getOrDefault("AWS_REGION", "us-east-1"),
                required(env, "RUNS_TABLE"),
                required(env, "DATASETS_TABLE"),
                required(env, "UPLOAD_BUCKET"),
                required(env, "CHUNK_QUEUE_URL"),
                // Only the functions that reach Aurora get DB_URL (and sit in its VPC); the others never connect.
                env.getOrDefault("DB_URL", ""),
                env.getOrDefault("DB_USER", "sluice"),
                // DB_PASSWORD is for the local runtime and development; on AWS the password is read from the secret
                // at run time, so a rotation needs no redeploy.
                env.getOrDefault("DB_PASSWORD", ""),
                Optional.ofNullable(env.get("DB_SECRET_ARN")).filter(v -> !v.isBlank()),
                Long.parseLong(env.getOrDefault("CHUNK_BYTES", "4194304")),
                Integer.parseInt(env.getOrDefault("CHUNK_MAX_RECORDS", "50000")),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("UPLOAD_URL_TTL_SECONDS", "900"))),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("UPLOAD_EXPIRY_MARGIN_SECONDS", "900"))),
                Long.parseLong(env.getOrDefault("MAX_FILE_BYTES", "5368709120")),
                Integer.parseInt(env.getOrDefault("DB_POOL_SIZE", "1")),
                Integer.parseInt(env.getOrDefault("INGEST_MAX_RECEIVE_COUNT", "5")),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("CHUNK_VISIBILITY_TIMEOUT_SECONDS", "720"))),
                localRuntime,
                // On Lambda (Tracing: Active) the runtime provides the segment; elsewhere there is no X-Ray daemon.
                env.containsKey("AWS_LAMBDA_FUNCTION_NAME") && !localRuntime,
                // SLUICE_*_ENDPOINT: what `sam local invoke --env-vars` can set (the template declares them blank).
                uri(env, "SLUICE_S3_ENDPOINT").or(() -> uri(env, "AWS_ENDPOINT_URL_S3")),
                uri(env, "SLUICE_S3_PUBLIC_ENDPOINT").or(() -> uri(env, "SLUICE_S3_ENDPOINT"))
                        .or(() -> uri(env, "AWS_ENDPOINT_URL_S3")),
                uri(env, "SLUICE_SQS_ENDPOINT").or(() -> uri(env, "AWS_ENDPOINT_URL_SQS")),
                uri(env, "SLUICE_DYNAMODB_ENDPOINT").or(() -> uri(env, "AWS_ENDPOINT_URL_DYNAMODB")),
                Optional.ofNullable(env.get("SLUICE_STATIC_ACCESS_KEY_ID")).filter(id -> !id.isBlank())
                        .map(id -> new StaticCredentials(id, env.getOrDefault("SLUICE_STATIC_SECRET_ACCESS_KEY", ""))),
                // The stage URL PostToConnection goes to; the local runtime points it at its own gateway.
                uri(env, "SLUICE_WEBSOCKET_CALLBACK_URL").or(() -> uri(env, "WEBSOCKET_CALLBACK_URL")),
                Duration.ofMillis(Long.parseLong(env.getOrDefault("WEBSOCKET_POST_TIMEOUT_MILLIS", "2000"))),
                // Powertools' own switch, read here too: where it is set (the local runtime) no EMF line is written.
                Boolean.parseBoolean(env.getOrDefault("POWERTOOLS_METRICS_DISABLED", "false")),
                // The dashboard's names (template.yaml Globals set both; the defaults are the same).
                env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "Sluice"),
                env.getOrDefault("POWERTOOLS_SERVICE_NAME", "sluice"),
                Integer.parseInt(env.getOrDefault("WEBSOCKET_MAX_CONNECTIONS_PER_USER", "5")),
                // The local runtime names its own origin; on AWS the template names the web app's.
                list(env.getOrDefault("SLUICE_WEBSOCKET_ALLOWED_ORIGINS",
                        env.getOrDefault("WEBSOCKET_ALLOWED_ORIGINS", ""))),
                // Who signs sign-in tokens and for which app client (the WebSocket $connect authorizer checks both).
                Optional.ofNullable(env.get("TOKEN_ISSUER")).filter(v -> !v.isBlank()),
                Optional.ofNullable(env.get("TOKEN_AUDIENCE")).filter(v -> !v.isBlank()),
                new UploadLimits(
                        Long.parseLong(env.getOrDefault("MAX_FILE_BYTES", "5368709120")),
                        Long.parseLong(env.getOrDefault("MAX_DECOMPRESSED_BYTES", "5368709120")),
                        Integer.parseInt(env.getOrDefault("MAX_COLUMNS", "200")),
                        Integer.parseInt(env.getOrDefault("MAX_FIELD_BYTES", "65536")),
                        Long.parseLong(env.getOrDefault("MAX_RECORDS_PER_FILE", "10000000")),
                        Integer.parseInt(env.getOrDefault("MAX_UPLOADS_PER_HOUR", "100")),
                        Long.parseLong(env.getOrDefault("MULTIPART_THRESHOLD_BYTES", "104857600")),
                        Long.parseLong(env.getOrDefault("MULTIPART_PART_BYTES", "16777216")),
                        UploadSettings.partners(env.getOrDefault("PARTNERS", "{}"))),
                // Only ReconcileFunction sends to IngestQueue (the notification S3 did not deliver).
                Optional.ofNullable(env.get("INGEST_QUEUE_URL")).filter(v -> !v.isBlank()),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("RECONCILE_WINDOW_SECONDS", "600"))),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("RECONCILE_LOOKBACK_SECONDS", "86400"))),
                // The loader's first wait after an unreachable database; doubled at each delivery (LoadFunction).
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("CHUNK_RETRY_BASE_SECONDS", "10"))),
                // Only ApiFunction reads it: GET /api/health reports the dead-letter queue's depth.
                Optional.ofNullable(env.get("CHUNK_DLQ_URL")).filter(v -> !v.isBlank()),
                // Where published runs are queued for their destinations (the API's resend, the publisher, itself).
                Optional.ofNullable(env.get("DELIVERY_QUEUE_URL")).filter(v -> !v.isBlank()),
                SourceSettings.fromEnvironment(env, localRuntime),
                // Where runs that finished loading are sent to be published (PublishFunction).
                Optional.ofNullable(env.get("PUBLISH_QUEUE_URL")).filter(v -> !v.isBlank()),
                // Only ApiFunction reads it: 'cloudwatch' where its subnets reach CloudWatch (template.yaml decides).
                "cloudwatch".equals(env.getOrDefault("CHUNK_QUEUE_AGE_SOURCE", "none")));
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static Optional<URI> uri(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank()).map(URI::create);
    }
}
