package dev.sluice.application.port;

import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Runs across every owner, for administrators and the public aggregates: read through the runs table's indexes
 * (RunsByOwner, RunsByDataset, RunsByStatus), never by scanning the table, and with bounded work per call.
 */
public interface RunSearch {

    /**
     * What to list. The adapter walks one index: the owner's when {@code owner} is set, else the dataset's when
     * {@code datasetId} is set (both newest created first), else the status partitions of {@code statuses} (every
     * status when empty) merged, most recent status change first. {@code matches} is the whole filter and is applied
     * to every run read; the index only narrows what is read.
     *
     * @param createdFrom lower bound of the creation time the index read may start from (null: none)
     * @param createdTo   upper bound of the creation time (null: none)
     * @param cursor      a {@link Page#nextCursor} of the same query, or null for the first page
     */
    record Query(Set<RunStatus> statuses, String owner, String datasetId, Instant createdFrom, Instant createdTo,
            int limit, String cursor, Predicate<Run> matches) {
        public Query {
            statuses = Set.copyOf(statuses);
            Objects.requireNonNull(matches, "matches");
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be positive: " + limit);
            }
        }
    }

    /**
     * One page: the runs that matched, and where to go on. A page may hold fewer than {@code limit} runs and still
     * have a next cursor when the read budget of one call ran out before enough runs matched.
     *
     * @param examined runs read to answer this page
     */
    record Page(List<Run> items, Optional<String> nextCursor, int examined) {
        public Page {
            items = List.copyOf(items);
        }
    }

    /** @throws IllegalArgumentException when the cursor is not one this query's listing gave out */
    Page search(Query query);

    /** The figures of one run that aggregates need (no owner, no file name). */
    record RunFigures(RunStatus status, Instant createdAt, Instant finishedAt, long records, long stored,
            long errors) {
    }

    /**
     * @param capped whether more runs were created in the window than were read
     */
    record Figures(List<RunFigures> runs, boolean capped) {
        public Figures {
            runs = List.copyOf(runs);
        }
    }

    /** Runs created at or after {@code since}, at most {@code cap} of them (the most recently changed first). */
    Figures createdSince(Instant since, int cap);
}
