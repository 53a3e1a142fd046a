package dev.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The local stack the web app's browser tests drive, one for the whole test run: the first browser test class
 * starts it, the root {@link ExtensionContext} store keeps it and closes it (stack and data directory) when the run
 * ends; {@link BrowserClassesLast} runs those classes last, so it never idles beside the others. A class using it
 * ({@code @ExtendWith(BrowserStack.class)}) is skipped without Chromium or without {@code npm ci} in {@code
 * web/test}, and takes the stack as a parameter of its {@code @BeforeAll} method.
 *
 * <p>The scripts do not get in each other's way on one stack: each creates its datasets under names stamped with
 * the time, finds its runs by the ids the page shows, and compares what the page shows with what the API answers at
 * that moment; only the sign-in rate limit is shared (one script's failed sign-ins are far below the 20 per client
 * address). The stack has the settings the upload script needs (1 KiB chunks so a small file shows a bar between 0
 * and 100; multipart above 6 MB in 5 MiB parts; fields up to 2 MB); the others work with any chunk size.
 */
final class BrowserStack implements BeforeAllCallback, ParameterResolver, AutoCloseable {
    static final Path REPO = TestDirs.repoRoot();
    static final Path OUT = REPO.resolve("infra/local/target");
    static final int MULTIPART_THRESHOLD = 6_000_000;
    static final int PART_BYTES = 5 * 1024 * 1024;
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BrowserStack.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dataDir;
    private final LocalSluice sluice;

    /** The extension itself, as JUnit makes it for {@code @ExtendWith}; the stack is made once, by {@link #start}. */
    BrowserStack() {
        this.dataDir = null;
        this.sluice = null;
    }

    private BrowserStack(Path dataDir, LocalSluice sluice) {
        this.dataDir = dataDir;
        this.sluice = sluice;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Assumptions.assumeTrue(Files.isExecutable(chromium()), "needs Chromium (apt-get install chromium)");
        Assumptions.assumeTrue(Files.isDirectory(REPO.resolve("web/test/node_modules/playwright-core")),
                "needs `npm ci` in web/test");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == BrowserStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(BrowserStack.class, key -> start(),
                BrowserStack.class);
    }

    private static BrowserStack start() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("sluice-web");
            return new BrowserStack(dir, LocalSluice.start(LocalOptions.builder().port(0).dataDir(dir)
                    .parameter("ChunkBytes", "1024")
                    .parameter("MultipartThresholdBytes", String.valueOf(MULTIPART_THRESHOLD))
                    .parameter("MultipartPartBytes", String.valueOf(PART_BYTES))
                    .parameter("MaxFieldBytes", "2000000").build()));
        } catch (Exception e) {
            try {
                TestDirs.delete(dir);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new IllegalStateException("the browser tests' stack did not start", e);
        }
    }

    LocalSluice sluice() {
        return sluice;
    }

    /**
     * Runs {@code web/test/<script>} with node against this stack (its URL is the first argument, then {@code
     * args}), expects exit code 0 within {@code timeout} and every one of {@code steps} among the JSON lines it
     * printed ({@code {"step": name, ...}}), and returns them by step name.
     */
    Map<String, JsonNode> runScript(String script, Duration timeout, List<String> steps, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", REPO.resolve("web/test/" + script).toString(),
                sluice.baseUrl().toString()));
        command.addAll(List.of(args));
        Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS), "the browser run finishes");
        assertEquals(0, node.exitValue(), output);
        Map<String, JsonNode> found = new LinkedHashMap<>();
        for (String line : output.strip().split("\n")) {
            if (line.startsWith("{\"step\"")) {
                JsonNode step = JSON.readTree(line);
                found.put(step.get("step").asText(), step);
            }
        }
        for (String step : steps) {
            assertTrue(found.containsKey(step), () -> "the script reported " + step + ": " + output);
        }
        return found;
    }

    /** Called by the root store when the test run ends. */
    @Override
    public void close() throws Exception {
        TestDirs.stop(sluice, dataDir);
    }

    private static Path chromium() {
        return Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    }
}
