package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each function's wiring builds the clients its use cases reach and no other (each client costs init time), and
 * connects to nothing while it does: every endpoint here is one nobody listens on.
 */
class FunctionWiringTest {
    private static final String UNREACHABLE = "http://127.0.0.1:1";

    @Test
    void theLoaderBuildsS3PostgresAndDynamoDbButNoQueueOrWebSocketClient() {
        try (LoadWiring wiring = new LoadWiring(settings())) {
            assertEquals(List.of("DefaultS3Client", "DefaultS3Presigner", "DefaultDynamoDbClient", "ConnectionPool"),
                    wiring.adapters.built());
        }
    }

    @Test
    void theSplitterBuildsS3DynamoDbAndSqsButNoDatabasePool() {
        try (SplitWiring wiring = new SplitWiring(settings())) {
            assertEquals(List.of("DefaultS3Client", "DefaultS3Presigner", "DefaultDynamoDbClient", "DefaultSqsClient"),
                    wiring.adapters.built());
        }
    }

    @Test
    void theWebSocketFunctionsBuildDynamoDbAndTheConnectionsClientOnly() {
        try (ProgressWiring progress = new ProgressWiring(settings());
                SocketWiring socket = new SocketWiring(settings())) {
            List<String> expected = List.of("DefaultDynamoDbClient", "DefaultApiGatewayManagementApiClient");
            assertEquals(expected, progress.adapters.built());
            assertEquals(expected, socket.adapters.built());
        }
    }

    @Test
    void theSweepBuildsDynamoDbAndS3() {
        try (ExpireRunsWiring wiring = new ExpireRunsWiring(settings())) {
            assertEquals(List.of("DefaultDynamoDbClient", "DefaultS3Client", "DefaultS3Presigner"),
                    wiring.adapters.built());
        }
    }

    @Test
    void theCustomResourcesBuildOnlyWhatTheirRequestUses() {
        try (MigrateWiring migrate = new MigrateWiring(settings());
                SiteConfigWiring site = new SiteConfigWiring(settings())) {
            assertEquals(List.of(), migrate.adapters.built(), "the pool is made by the first migration");
            assertEquals(List.of("DefaultS3Client"), site.adapters.built());
        }
    }

    private static Settings settings() {
        Map<String, String> env = new HashMap<>(Map.of("RUNS_TABLE", "runs", "UPLOAD_BUCKET", "uploads",
                "CHUNK_QUEUE_URL", UNREACHABLE + "/queue", "DB_URL", "jdbc:postgresql://127.0.0.1:1/sluice",
                "AWS_ENDPOINT_URL_S3", UNREACHABLE, "AWS_ENDPOINT_URL_DYNAMODB", UNREACHABLE,
                "AWS_ENDPOINT_URL_SQS", UNREACHABLE, "WEBSOCKET_CALLBACK_URL", UNREACHABLE + "/ws",
                "SLUICE_STATIC_ACCESS_KEY_ID", "AKIDTEST", "SLUICE_STATIC_SECRET_ACCESS_KEY", "secret"));
        env.put("POWERTOOLS_METRICS_DISABLED", "true");
        env.put("DATASETS_TABLE", "datasets");
        return Settings.fromEnvironment(env);
    }
}
