package dev.sluice.domain.validation;

public record ChunkOutcome(int records, int stored, int rejected) {
}
