package dev.sluice.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The temporary data directories the tests start local stacks in, their clean-up, and the repository root. */
public final class TestDirs {
    private TestDirs() {
    }

    /** Deletes the directory and everything under it (deepest first); a directory never made is no error. */
    public static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The repository's root: the nearest directory above the working directory that holds template.yaml. */
    public static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (template.yaml) above the working dir");
        }
        return dir;
    }

    /** Stops a test class's own stack (if it started) and deletes its data directory. */
    public static void stop(LocalSluice sluice, Path dataDir) throws Exception {
        if (sluice != null) {
            sluice.close();
        }
        delete(dataDir);
    }
}
