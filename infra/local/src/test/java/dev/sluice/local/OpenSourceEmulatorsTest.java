package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * DynamoDB Local's licence is the vendor's own terms, not an open-source licence, so no build of Sluice may carry
 * it; the local runtime uses moto's server (a child process, no Maven artifact). This module's test classpath holds
 * every artifact of both modules (infra/local depends on functions), so checking it checks the whole build.
 */
class OpenSourceEmulatorsTest {
    /** Surefire hands the forked JVM a manifest-only jar; the real classpath is in this property. */
    private static List<String> testClasspath() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(path.split(File.pathSeparator)).filter(entry -> !entry.isBlank()).toList();
    }

    @Test
    void noArtifactOfDynamoDbLocalIsOnTheClasspath() {
        List<String> proprietary = testClasspath().stream()
                .filter(entry -> entry.toLowerCase(Locale.ROOT).contains("dynamodblocal")
                        || entry.toLowerCase(Locale.ROOT).contains("sqlite4java"))
                .toList();
        assertEquals(List.of(), proprietary, "DynamoDB Local is not open source: use the moto-based emulator");
    }

    @Test
    void noClassOfDynamoDbLocalCanBeLoaded() {
        assertThrows(ClassNotFoundException.class,
                () -> Class.forName("com.amazonaws.services.dynamodbv2.local.main.ServerRunner"));
    }
}
