package dev.sluice.application.port;

import dev.sluice.domain.chunk.ChunkMessage;
import java.util.List;

/** ChunkQueue. */
public interface ChunkSender {
    /** Sends the messages; throws if any could not be sent (the caller's retry re-sends them). */
    void send(List<ChunkMessage> chunks);
}
