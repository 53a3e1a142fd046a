package dev.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The domain stays plain Java: no AWS SDK, no Lambda types, no JDBC, no JSON binding. Checked on the sources
 * (ArchUnit is not available), so fully qualified uses count as much as imports.
 */
class ArchitectureTest {
    private static final List<String> FORBIDDEN =
            List.of("software.amazon.", "com.amazonaws.", "java.sql.", "javax.sql.", "com.fasterxml.jackson.");

    @Test
    void domainImportsNoFrameworks() throws IOException {
        Path domain = domainSources();
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> paths = Files.walk(domain)) {
            for (Path file : paths.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String code = stripComment(lines.get(i));
                    for (String forbidden : FORBIDDEN) {
                        if (code.contains(forbidden)) {
                            violations.add(domain.relativize(file) + ":" + (i + 1) + " uses " + forbidden + "*: "
                                    + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        assertTrue(files > 10, "expected the domain sources under " + domain.toAbsolutePath() + ", found " + files);
        assertEquals(List.of(), violations, "the domain must not depend on frameworks");
    }

    private static String stripComment(String line) {
        String trimmed = line.strip();
        if (trimmed.startsWith("*") || trimmed.startsWith("/*")) {
            return "";
        }
        int comment = line.indexOf("//");
        return comment < 0 ? line : line.substring(0, comment);
    }

    /** Surefire runs in the module directory; an IDE may run from the repository root. */
    private static Path domainSources() {
        for (String candidate : List.of("src/main/java/dev/sluice/domain", "functions/src/main/java/dev/sluice/domain")) {
            Path path = Path.of(candidate);
            if (Files.isDirectory(path)) {
                return path;
            }
        }
        throw new AssertionError("domain sources not found from " + Path.of("").toAbsolutePath());
    }
}
