package dev.sluice.application.port;

import java.util.List;
import java.util.function.Consumer;

/** A run's published rows, read field by field as text. */
public interface PublishedRows {

    /** Which of the run's published records a delivery sends. */
    enum Scope {
        /**
         * The versions the run wrote: the records publishing inserted or updated (its dataset_rows versions, not those
         * it holds only by a claim). What insert and upsert destinations get: rows the run left unchanged are already
         * in the target from an earlier run, and inserting them again would duplicate them.
         */
        CHANGED,
        /**
         * Every key the run published, changed or unchanged: its versions plus the records it published as unchanged
         * (its claims, or the versions they became), each with the run's own values; for a key the run had several
         * records of, the one publishing took. What a truncate-insert destination gets: the table becomes the run's
         * data.
         */
        COMPLETE
    }

    /**
     * The rows of {@code runId} in record order, each as the values of {@code fields} (text, null when missing); read
     * again on every call, so a retried delivery sends the same rows. The stream throws {@link RunRolledBack}, before
     * handing over any row, when the run has been rolled back by the time it is read.
     */
    RowStream rowsOf(String datasetId, String runId, List<String> fields, Scope scope);

    /** Whether the run's publication has been rolled back (it then has no rows to send). */
    boolean rolledBack(String runId);

    /** Rows handed over one at a time, never all held at once. */
    @FunctionalInterface
    interface RowStream {
        void forEach(Consumer<List<String>> row);
    }

    /** The run was rolled back before its rows were read: there is nothing of it to send. */
    final class RunRolledBack extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public RunRolledBack(String runId) {
            super(describe(runId));
        }

        /** What a delivery of the run says when it is not sent. */
        public static String describe(String runId) {
            return "run " + runId + " was rolled back before it was delivered; nothing was sent";
        }
    }
}
