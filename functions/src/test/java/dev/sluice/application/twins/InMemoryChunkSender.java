package dev.sluice.application.twins;

import dev.sluice.application.port.ChunkSender;
import dev.sluice.domain.chunk.ChunkMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** ChunkQueue in memory: every batch sent, in order; {@link #onSend} lets a test look at the world as it is sent. */
public final class InMemoryChunkSender implements ChunkSender {
    private final List<List<ChunkMessage>> batches = new ArrayList<>();
    private Consumer<List<ChunkMessage>> onSend = batch -> {
    };

    @Override
    public synchronized void send(List<ChunkMessage> chunks) {
        onSend.accept(chunks);
        batches.add(List.copyOf(chunks));
    }

    /** Runs before each batch is taken (and may throw to fail the send). */
    public synchronized void onSend(Consumer<List<ChunkMessage>> action) {
        this.onSend = action;
    }

    public synchronized List<List<ChunkMessage>> batches() {
        return List.copyOf(batches);
    }

    public synchronized List<ChunkMessage> sent() {
        return batches.stream().flatMap(List::stream).toList();
    }
}
