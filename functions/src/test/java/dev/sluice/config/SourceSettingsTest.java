package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.adapter.out.http.SsrfGuard;
import dev.sluice.application.port.WebFetcher.FetchException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ALLOW_LOOPBACK_SOURCES is the local runtime's switch: a deployed function (SLUICE_LOCAL unset, or empty as
 * template.yaml sets it) never pulls from a loopback address, whatever its environment says.
 */
class SourceSettingsTest {

    @Test
    void aDeployedFunctionIgnoresAllowLoopbackSources() {
        Map<String, String> deployed = env(Map.of("ALLOW_LOOPBACK_SOURCES", "true",
                "AWS_LAMBDA_FUNCTION_NAME", "sluice-PullFunction"));
        SourceSettings settings = Settings.fromEnvironment(deployed).sources();
        assertFalse(settings.allowLoopback());
        FetchException refused = assertThrows(FetchException.class, () -> new SsrfGuard(SsrfGuard.Resolver.SYSTEM,
                settings.allowLoopback()).check(URI.create("http://127.0.0.1:8080/data.csv")));
        assertEquals("URL_REFUSED", refused.code(), refused.getMessage());

        Map<String, String> asTemplate = env(Map.of("ALLOW_LOOPBACK_SOURCES", "true", "SLUICE_LOCAL", ""));
        assertFalse(Settings.fromEnvironment(asTemplate).sources().allowLoopback(), "SLUICE_LOCAL: '' is not local");
    }

    @Test
    void theLocalRuntimeAllowsLoopbackOnlyWhenItSaysSo() {
        assertTrue(Settings.fromEnvironment(env(Map.of("ALLOW_LOOPBACK_SOURCES", "true", "SLUICE_LOCAL", "true")))
                .sources().allowLoopback());
        assertFalse(Settings.fromEnvironment(env(Map.of("SLUICE_LOCAL", "true"))).sources().allowLoopback());
    }

    @Test
    void theTemplateNeitherAllowsLoopbackNorMarksAFunctionLocal() throws IOException {
        String template = Files.readString(Path.of("..", "template.yaml"));
        assertFalse(template.contains("ALLOW_LOOPBACK_SOURCES"), "template.yaml sets ALLOW_LOOPBACK_SOURCES");
        assertFalse(template.matches("(?s).*SLUICE_LOCAL:\\s*'?(?i:true)'?.*"), "template.yaml sets SLUICE_LOCAL");
    }

    private static Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("RUNS_TABLE", "runs", "UPLOAD_BUCKET", "uploads",
                "DATASETS_TABLE", "datasets", "SOURCES_TABLE", "sources",
                "CHUNK_QUEUE_URL", "http://127.0.0.1:1/queue"));
        env.putAll(extra);
        return env;
    }
}
