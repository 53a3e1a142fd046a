package dev.sluice.domain.chunk;

/**
 * Totals of one planned file, counted after the header.
 *
 * @param records data records (blank lines are not records)
 * @param chunks  chunks emitted
 * @param lines   physical lines after the header, a last line without terminator included
 * @param bytes   bytes scanned after the header
 */
public record PlanSummary(long records, int chunks, long lines, long bytes) {
    public PlanSummary {
        if (records < 0 || chunks < 0 || lines < 0 || bytes < 0) {
            throw new IllegalArgumentException("totals must not be negative");
        }
        if (chunks > records) {
            throw new IllegalArgumentException("more chunks (" + chunks + ") than records (" + records + ")");
        }
    }
}
