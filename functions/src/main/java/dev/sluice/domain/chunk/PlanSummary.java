package dev.sluice.domain.chunk;

public record PlanSummary(long records, int chunks, long lines, long bytes) {
}
