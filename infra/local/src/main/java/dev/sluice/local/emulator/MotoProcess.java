package dev.sluice.local.emulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * moto's server (Apache-2.0, Python) as a child process of this JVM on a free port of 127.0.0.1. The child is
 * a small wrapper ({@code sluice/moto-child.py}) that exits when its standard input reaches its end: this JVM
 * holds the only writing end of that pipe, and the kernel closes it when the JVM ends in any way, kill -9
 * included, so the server never outlives the runtime.
 *
 * <p>The interpreter is {@code $SLUICE_PYTHON} when set, else the one that started last time (cached in
 * {@code cacheDir/python}: a pyenv or virtualenv shim costs seconds per start), else {@code python3}.
 */
public final class MotoProcess implements AutoCloseable {
    /** What to install where moto is missing: the server extra brings Flask and Werkzeug. */
    public static final String INSTALL = "pip install \"moto[server]\"";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final String python;

    private MotoProcess(Process process, int port, String python) {
        this.process = process;
        this.port = port;
        this.python = python;
    }

    /** Starts the server; its stderr (warnings, errors) goes to {@code logFile}. */
    public static MotoProcess start(Path cacheDir, Path logFile) throws IOException, InterruptedException {
        Files.createDirectories(cacheDir);
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        String script = script();
        Path cache = cacheDir.resolve("python");
        List<String> problems = new ArrayList<>();
        for (String python : interpreters(cache)) {
            Optional<MotoProcess> started = tryStart(python, script, logFile, problems);
            if (started.isPresent()) {
                if (!started.get().python.isBlank() && !started.get().python.equals(readCache(cache).orElse(""))) {
                    Files.writeString(cache, started.get().python + "\n");
                }
                return started.get();
            }
        }
        throw new EmulatorMissingException("DynamoDB emulator missing (" + String.join("; ", problems)
                + "); install it with: " + INSTALL);
    }

    private static Set<String> interpreters(Path cache) {
        Set<String> candidates = new LinkedHashSet<>();
        String configured = System.getenv("SLUICE_PYTHON");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
            return candidates;
        }
        readCache(cache).filter(path -> Files.isExecutable(Path.of(path))).ifPresent(candidates::add);
        candidates.add("python3");
        return candidates;
    }

    private static Optional<String> readCache(Path cache) {
        try {
            return Files.isRegularFile(cache) ? Optional.of(Files.readString(cache).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<MotoProcess> tryStart(String python, String script, Path logFile, List<String> problems)
            throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(python, "-c", script)
                    .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            problems.add(python + " could not be run");
            return Optional.empty();
        }
        // A reader thread, so a child that hangs before its first line cannot hang the start past the deadline.
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> readLine(process.getInputStream()));
        String line;
        try {
            line = firstLine.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("moto's server did not start within " + START_TIMEOUT.toSeconds() + " s; see "
                    + logFile);
        } catch (ExecutionException e) {
            line = null;
        }
        if (line != null && line.startsWith("READY ")) {
            String[] parts = line.split(" ", 3);
            return Optional.of(new MotoProcess(process, Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : ""));
        }
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        if (line != null && line.startsWith("MISSING ")) {
            problems.add(python + ": " + line.substring("MISSING ".length()));
            return Optional.empty();
        }
        throw new IOException("moto's server ended before it was ready (" + python + ", exit "
                + (process.isAlive() ? "?" : process.exitValue()) + "); see " + logFile);
    }

    private static String readLine(InputStream in) {
        try {
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String script() throws IOException {
        try (InputStream in = MotoProcess.class.getResourceAsStream("/sluice/moto-child.py")) {
            if (in == null) {
                throw new IOException("sluice/moto-child.py is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public int port() {
        return port;
    }

    /** The process id of the server (its wrapper is the server process itself). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Ends the server: closing its input is the signal it waits for; SIGKILL if it does not go within 5 s. */
    @Override
    public void close() throws IOException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // Already closed; the kill below still ends it.
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
