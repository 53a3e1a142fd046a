package dev.sluice.domain.chunk;

public record PlannedChunk(int chunkNo, long startByte, long endByte, long firstRecord, int recordCount, long firstLine) {
}
