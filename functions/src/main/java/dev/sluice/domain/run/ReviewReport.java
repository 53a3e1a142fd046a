package dev.sluice.domain.run;

import dev.sluice.domain.dataset.PublishedRow;
import java.util.List;

/**
 * What publishing a run in REVIEW would do, computed without writing: exact counts and up to a few samples of each
 * kind. A sample's key is the publish key's values as JSON array text (the row_key of dataset_rows).
 */
public record ReviewReport(String runId, String strategy, List<String> key, PublishCounts counts, Samples samples) {
    public ReviewReport {
        key = List.copyOf(key);
    }

    public record Samples(List<Change> inserted, List<Change> updated, List<Change> unchanged,
            List<Conflict> conflicting, List<Change> removed) {
        public Samples {
            inserted = List.copyOf(inserted);
            updated = List.copyOf(updated);
            unchanged = List.copyOf(unchanged);
            conflicting = List.copyOf(conflicting);
            removed = List.copyOf(removed);
        }
    }

    /** {@code before} is null for an insert, {@code after} null for a removal. */
    public record Change(String key, PublishedRow before, PublishedRow after) {
    }

    /** A key several records of the run share; the last of {@code recordNos} wins. */
    public record Conflict(String key, List<Long> recordNos) {
        public Conflict {
            recordNos = List.copyOf(recordNos);
        }
    }
}
