package dev.sluice.local.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The web app: files from a {@code web/} directory, else the copy bundled in the jar under {@code /web}. */
public final class StaticFiles {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("webp", "image/webp"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("webmanifest", "application/manifest+json"));

    public record StaticFile(byte[] content, String contentType) {
    }

    /** Served at / when neither a web/ directory nor a bundled copy exists. */
    private static final StaticFile PLACEHOLDER = new StaticFile("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Sluice (local)</title></head>
            <body><h1>Sluice is running</h1>
            <p>No web app found (looked for <code>web/index.html</code> from the working directory upwards).
            The API is under <a href="api/runs"><code>/api</code></a>.</p></body></html>
            """.getBytes(StandardCharsets.UTF_8), TYPES.get("html"));

    private final Optional<Path> directory;

    public StaticFiles(Optional<Path> directory) {
        this.directory = directory.map(d -> d.toAbsolutePath().normalize());
    }

    /** {@code web/} in the working directory or the nearest parent that has one. */
    public static Optional<Path> locate(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("web");
            if (Files.isRegularFile(candidate.resolve("index.html"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public Optional<Path> directory() {
        return directory;
    }

    public Optional<StaticFile> find(String rawPath) throws IOException {
        String path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        if (path.isEmpty() || path.endsWith("/")) {
            path = path + "index.html";
        }
        String relative = path.startsWith("/") ? path.substring(1) : path;
        if (relative.contains("..") || relative.contains("\\") || relative.contains("\0")) {
            return Optional.empty();
        }
        String type = contentType(relative);
        if (directory.isPresent()) {
            Path file = directory.get().resolve(relative).normalize();
            if (file.startsWith(directory.get()) && Files.isRegularFile(file)) {
                return Optional.of(new StaticFile(Files.readAllBytes(file), type));
            }
            if (Files.isDirectory(file) && Files.isRegularFile(file.resolve("index.html"))) {
                return Optional.of(new StaticFile(Files.readAllBytes(file.resolve("index.html")), TYPES.get("html")));
            }
            return Optional.empty();
        }
        try (InputStream in = StaticFiles.class.getResourceAsStream("/web/" + relative)) {
            if (in == null) {
                return relative.equals("index.html") ? Optional.of(PLACEHOLDER) : Optional.empty();
            }
            return Optional.of(new StaticFile(in.readAllBytes(), type));
        }
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(extension, "application/octet-stream");
    }
}
