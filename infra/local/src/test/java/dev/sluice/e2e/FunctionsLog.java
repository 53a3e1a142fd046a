package dev.sluice.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * The functions' log as `sluice-local serve` and `ingest` write it: while open, logging runs on the local runtime's
 * own configuration (log4j2-sluice-local.xml), which writes DATA_DIR/logs/functions.log in Powertools' JSON layout
 * (the layout Lambda writes to CloudWatch); on close the test configuration is restored.
 */
final class FunctionsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOG_DIR_PROPERTY = "sluice.logDir";

    private final Path file;

    private FunctionsLog(Path logDir) throws URISyntaxException {
        file = logDir.resolve("functions.log");
        System.setProperty(LOG_DIR_PROPERTY, logDir.toString());
        Configurator.reconfigure(resource("log4j2-sluice-local.xml"));
    }

    private static URI resource(String name) throws URISyntaxException {
        return Objects.requireNonNull(FunctionsLog.class.getClassLoader().getResource(name),
                name + " is not on the classpath").toURI();
    }

    static FunctionsLog start() throws IOException, URISyntaxException {
        return new FunctionsLog(Files.createTempDirectory("sluice-functions-log"));
    }

    /** Every line written so far, parsed: each must be one JSON object. */
    List<JsonNode> lines() {
        List<JsonNode> lines = new ArrayList<>();
        if (!Files.exists(file)) {
            return lines;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        return lines;
    }

    /** Polls until {@code done} holds for the lines written so far, and returns them. */
    List<JsonNode> await(Duration timeout, String what, Predicate<List<JsonNode>> done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> current = lines();
        while (!done.test(current)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + " in " + file);
            }
            Thread.sleep(20);
            current = lines();
        }
        return current;
    }

    @Override
    public void close() throws URISyntaxException {
        Configurator.reconfigure(resource("log4j2-test.xml"));
        System.clearProperty(LOG_DIR_PROPERTY);
    }
}
