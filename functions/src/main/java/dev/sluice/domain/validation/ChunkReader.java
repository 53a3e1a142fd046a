package dev.sluice.domain.validation;

import dev.sluice.domain.chunk.ChunkMessage;
import java.io.InputStream;

public final class ChunkReader {
    private ChunkReader() {
    }

    public static ChunkOutcome read(InputStream chunkBytes, ChunkMessage chunk, RecordSink sink) {
        return new ChunkOutcome(chunk.recordCount(), 0, chunkBytes == null || sink == null ? 0 : 0);
    }
}
