package dev.sluice.application.upload;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Optional;
import java.util.UUID;

/**
 * The object key an upload is written to: {@code uploads/{owner}/{runId}/{name}}, where {@code name} is a bounded,
 * safe form of the user's file name. The user's name itself is kept on the run (the API shows it); the key only
 * has to be unique (the run id makes it so) and recognisable.
 *
 * <p>Why bounded in bytes: S3 allows 1,024 bytes of UTF-8 in a key, and the local store keeps each key segment as a
 * file name, which Linux limits to 255 bytes, while the store writes the object first to a temporary file named
 * after it plus 37 bytes ({@code -} and a UUID). A name segment of at most {@value #MAX_NAME_BYTES} bytes fits both,
 * with the owner (at most 128 bytes) and the run id in front of it. Why safe characters: S3 lists symbols and
 * non-printable characters as ones to avoid in keys, and a file system refuses some; letters and digits of any
 * script stay, so a Cyrillic or Japanese name is still recognisable in the key.
 */
public final class UploadKey {
    /** Most UTF-8 bytes of the key's file-name segment. */
    public static final int MAX_NAME_BYTES = 128;
    /** An extension longer than this is treated as part of the name. */
    private static final int MAX_EXTENSION_CHARS = 10;

    private UploadKey() {
    }

    private static final String UPLOADS = "uploads/";
    private static final String DECOMPRESSED = "decompressed/";
    private static final String DROP = "drop/";
    private static final String PULLS = "pulls/";

    public static String of(String owner, String runId, String fileName) {
        return UPLOADS + owner + "/" + runId + "/" + safeName(fileName);
    }

    /**
     * Where the splitter keeps the decompressed form of a gzip upload. Outside {@code uploads/} and {@code drop/},
     * so writing it triggers no notification, and under the run's id, so it can never be mistaken for another run's.
     */
    public static String decompressed(String owner, String runId, String fileName) {
        return DECOMPRESSED + owner + "/" + runId + "/" + safeName(fileName);
    }

    /** An object key the splitter understands. */
    public sealed interface Parsed permits Upload, Drop, Pulled {
    }

    /** {@code uploads/{owner}/{runId}/{name}}: written through a presigned URL of run {@code runId}. */
    public record Upload(String owner, String runId, String name) implements Parsed {
    }

    /** {@code drop/{partner}/…/{name}}: put by a partner; {@code name} is the last segment. */
    public record Drop(String partner, String name) implements Parsed {
    }

    /** {@code pulls/{sourceId}/{pullId}}: written by a pull of source {@code sourceId}. */
    public record Pulled(String sourceId, String pullId) implements Parsed {
    }

    /** Where a pull writes what it fetched. */
    public static String pulled(String sourceId, String pullId) {
        return PULLS + sourceId + "/" + pullId;
    }

    /**
     * The run that loads a pulled object: derived from its key, so the pull (which creates the run before it writes
     * the object) and the splitter (which finds the run from the notification) name the same one.
     */
    public static String pulledRunId(String key) {
        return UUID.nameUUIDFromBytes(("pull:" + key).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * What a key names, or empty for any other key (a folder marker, a decompressed copy, a key with an empty
     * segment): such objects belong to no run and are ignored.
     */
    public static Optional<Parsed> parse(String key) {
        if (key == null || key.endsWith("/")) {
            return Optional.empty();
        }
        if (key.startsWith(UPLOADS)) {
            String[] parts = key.substring(UPLOADS.length()).split("/", -1);
            if (parts.length == 3 && !parts[0].isEmpty() && !parts[1].isEmpty() && !parts[2].isEmpty()) {
                return Optional.of(new Upload(parts[0], parts[1], parts[2]));
            }
            return Optional.empty();
        }
        if (key.startsWith(PULLS)) {
            String[] parts = key.substring(PULLS.length()).split("/", -1);
            if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
                return Optional.of(new Pulled(parts[0], parts[1]));
            }
            return Optional.empty();
        }
        if (key.startsWith(DROP)) {
            String[] parts = key.substring(DROP.length()).split("/", -1);
            if (parts.length >= 2 && !parts[0].isEmpty() && !parts[parts.length - 1].isEmpty()) {
                return Optional.of(new Drop(parts[0], parts[parts.length - 1]));
            }
        }
        return Optional.empty();
    }

    /**
     * Letters, digits, {@code . - _ ( )} and spaces kept, every other code point replaced by {@code _}; cut to
     * {@value #MAX_NAME_BYTES} UTF-8 bytes at a code point boundary, keeping a short extension such as
     * {@code .csv}.
     */
    static String safeName(String fileName) {
        String normalized = Normalizer.normalize(fileName, Normalizer.Form.NFC);
        StringBuilder safe = new StringBuilder(normalized.length());
        normalized.codePoints().forEach(c -> safe.appendCodePoint(
                Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == '(' || c == ')' || c == ' '
                        ? c : '_'));
        String name = safe.toString().strip();
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && name.length() - dot <= MAX_EXTENSION_CHARS ? name.substring(dot) : "";
        String stem = name.substring(0, name.length() - extension.length());
        int budget = MAX_NAME_BYTES - utf8Length(extension);
        stem = cut(stem, budget).strip();
        if (stem.isEmpty() || stem.equals(".")) {
            stem = "file";
        }
        return stem + extension;
    }

    private static String cut(String text, int maxBytes) {
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int c = text.codePointAt(end);
            int size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            end += Character.charCount(c);
        }
        return text.substring(0, end);
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
