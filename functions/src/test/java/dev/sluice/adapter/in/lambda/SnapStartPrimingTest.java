package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.config.Components;
import dev.sluice.config.Settings;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SnapStartPrimingTest {
    @Test
    void theWarmUpRunsBeforeTheCheckpointAndItsFailureNeverFailsTheSnapshot() {
        AtomicInteger runs = new AtomicInteger();
        SnapStartPriming priming = SnapStartPriming.register(runs::incrementAndGet);
        priming.beforeCheckpoint(null);
        assertEquals(1, runs.get());

        SnapStartPriming failing = SnapStartPriming.register(() -> {
            throw new IllegalStateException("no credentials yet");
        });
        assertDoesNotThrow(() -> failing.beforeCheckpoint(null));
    }

    @Test
    void theComponentsWarmUpNeedsNoNetwork() {
        // Endpoints nobody listens on: a warm-up that called AWS or PostgreSQL would fail here.
        Map<String, String> env = Map.of("RUNS_TABLE", "runs", "DATASETS_TABLE", "datasets",
                "UPLOAD_BUCKET", "uploads",
                "CHUNK_QUEUE_URL", "http://127.0.0.1:1/queue", "DB_URL", "jdbc:postgresql://127.0.0.1:1/sluice",
                "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:1", "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:1",
                "SLUICE_STATIC_ACCESS_KEY_ID", "AKIDTEST", "SLUICE_STATIC_SECRET_ACCESS_KEY", "secret");
        try (Components components = new Components(Settings.fromEnvironment(env))) {
            assertDoesNotThrow(components::warmUp);
        }
    }
}
