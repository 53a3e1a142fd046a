package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where moto is not installed, {@code serve} says what to install in one line, and nothing else. */
class MotoMissingTest {
    @TempDir
    Path dir;

    @Test
    void serveWithoutMotoPrintsOneLineNamingWhatToInstall() throws Exception {
        // A Python whose site-packages are switched off (-I -S) cannot import moto, as on a machine without it.
        Path python = dir.resolve("python-without-moto");
        Files.writeString(python, "#!/bin/sh\nexec python3 -I -S \"$@\"\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), "dev.sluice.local.SluiceLocal",
                "serve", "--port", "0", "--data-dir", dir.resolve("data").toString())
                .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
        serve.environment().put("SLUICE_PYTHON", python.toString());
        Process process = serve.start();
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "serve gave up");

        List<String> stderr = Files.readAllLines(dir.resolve("stderr"), StandardCharsets.UTF_8).stream()
                .filter(line -> !line.startsWith("WARNING: ")) // the JVM's own, about libraries' Unsafe use
                .toList();
        assertEquals(2, process.exitValue(), "cannot run: " + stderr);
        assertEquals(1, stderr.size(), "one line: " + stderr);
        assertTrue(stderr.getFirst().startsWith("DynamoDB emulator missing"), stderr.getFirst());
        assertTrue(stderr.getFirst().endsWith("install it with: pip install \"moto[server]\""), stderr.getFirst());
        assertEquals(List.of(), Files.readAllLines(dir.resolve("stdout")), "nothing on stdout");
    }
}
