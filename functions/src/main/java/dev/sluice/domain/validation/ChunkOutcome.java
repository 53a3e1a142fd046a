package dev.sluice.domain.validation;

/** What became of a chunk's records: every one is either stored or rejected. */
public record ChunkOutcome(int records, int stored, int rejected) {
    public ChunkOutcome {
        if (stored < 0 || rejected < 0 || records != stored + rejected) {
            throw new IllegalArgumentException(
                    "records (" + records + ") must equal stored (" + stored + ") + rejected (" + rejected + ")");
        }
    }
}
