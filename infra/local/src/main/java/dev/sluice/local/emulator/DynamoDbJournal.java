package dev.sluice.local.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DynamoDB emulator's state on disk, since moto keeps its tables in memory only: a snapshot of every item
 * ({@code snapshot-G.jsonl}) and a journal of the writes that succeeded after it ({@code journal-G.jsonl}),
 * both of generation G. State = snapshot G, then journal G replayed in order.
 *
 * <p>A new generation is made by writing snapshot G+1 to a temporary file, forcing it to disk and renaming it
 * (atomic), then starting an empty journal G+1 and deleting generation G. Whatever instant the process dies at,
 * the newest complete snapshot and its own journal describe the state exactly once: a journal is never
 * replayed over a snapshot that already holds its writes (that would count an {@code ADD} twice).
 */
final class DynamoDbJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbJournal.class);
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot-(\\d+)\\.jsonl");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private long generation;
    private FileChannel journal;
    private long journalEntries;

    private DynamoDbJournal(Path dir, long generation) {
        this.dir = dir;
        this.generation = generation;
    }

    /** Opens the newest generation in {@code dir} (generation 0, empty, in a new directory). */
    static DynamoDbJournal open(Path dir) throws IOException {
        Files.createDirectories(dir);
        long newest = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher matcher = SNAPSHOT.matcher(file.getFileName().toString());
                if (matcher.matches()) {
                    newest = Math.max(newest, Long.parseLong(matcher.group(1)));
                }
            }
        }
        return new DynamoDbJournal(dir, newest);
    }

    long generation() {
        return generation;
    }

    /** Items of the current snapshot: {@code {"table": name, "item": {...DynamoDB JSON...}}}. */
    void readSnapshot(Consumer<JsonNode> item) throws IOException {
        Path snapshot = snapshotFile(generation);
        if (!Files.exists(snapshot)) {
            return;
        }
        try (BufferedReader reader = Files.newBufferedReader(snapshot, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    item.accept(JSON.readTree(line));
                }
            }
        }
    }

    /**
     * The writes of the current journal in order: {@code {"target": "DynamoDB_20120810.PutItem", "request": {}}}.
     * A last line cut short (the process died inside the write) is skipped: that write was never answered.
     */
    List<JsonNode> readJournal() throws IOException {
        Path file = journalFile(generation);
        List<JsonNode> entries = new ArrayList<>();
        if (!Files.exists(file)) {
            return entries;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                entries.add(JSON.readTree(line));
            } catch (IOException e) {
                LOG.warn("DynamoDB journal {} line {} unreadable, skipped: {}", file, i + 1, e.getMessage());
            }
        }
        return entries;
    }

    /**
     * Appends one write that succeeded, before it is answered. Written, not forced: once {@code write} returns
     * the bytes are in the kernel's page cache and survive this process being killed (not a power cut).
     */
    void append(String target, byte[] request) throws IOException {
        if (journal == null) {
            journal = FileChannel.open(journalFile(generation), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        ObjectNode entry = JSON.createObjectNode();
        entry.put("target", target);
        entry.set("request", JSON.readTree(request));
        ByteBuffer line = ByteBuffer.wrap((JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8));
        while (line.hasRemaining()) {
            journal.write(line);
        }
        journalEntries++;
    }

    /** Writes made since this generation began (replayed ones included). */
    boolean journalIsEmpty() throws IOException {
        Path file = journalFile(generation);
        return journalEntries == 0 && (!Files.exists(file) || Files.size(file) == 0);
    }

    /** Starts generation G+1 from {@code items} (the whole current state) and deletes generation G. */
    void newGeneration(SnapshotSource items) throws IOException {
        long next = generation + 1;
        Path temporary = dir.resolve("snapshot-" + next + ".jsonl.tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
                BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel),
                        StandardCharsets.UTF_8))) {
            items.write(item -> {
                try {
                    writer.write(JSON.writeValueAsString(item));
                    writer.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            writer.flush();
            channel.force(true);
        }
        // A journal of the new generation can only be left from an attempt that died before its snapshot was
        // renamed, when nothing could have been appended to it yet.
        Files.deleteIfExists(journalFile(next));
        Files.move(temporary, snapshotFile(next), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        closeJournal();
        long previous = generation;
        generation = next;
        journalEntries = 0;
        Files.deleteIfExists(journalFile(previous));
        Files.deleteIfExists(snapshotFile(previous));
    }

    private void closeJournal() throws IOException {
        if (journal != null) {
            journal.close();
            journal = null;
        }
    }

    Optional<Path> currentSnapshot() {
        Path snapshot = snapshotFile(generation);
        return Files.exists(snapshot) ? Optional.of(snapshot) : Optional.empty();
    }

    private Path snapshotFile(long g) {
        return dir.resolve("snapshot-" + g + ".jsonl");
    }

    private Path journalFile(long g) {
        return dir.resolve("journal-" + g + ".jsonl");
    }

    @Override
    public void close() throws IOException {
        closeJournal();
    }

    /** Writes every item of the current state to the consumer it is given. */
    @FunctionalInterface
    interface SnapshotSource {
        void write(Consumer<JsonNode> item) throws IOException;
    }
}
