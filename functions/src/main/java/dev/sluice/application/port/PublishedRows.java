package dev.sluice.application.port;

import java.util.List;
import java.util.function.Consumer;

/** A run's published rows (its versions in dataset_rows), read field by field as text. */
@FunctionalInterface
public interface PublishedRows {

    /**
     * The rows of {@code runId} in record order, each as the values of {@code fields} (text, null when missing); read
     * again on every call, so a retried delivery sends the same rows.
     */
    RowStream rowsOf(String datasetId, String runId, List<String> fields);

    /** Rows handed over one at a time, never all held at once. */
    @FunctionalInterface
    interface RowStream {
        void forEach(Consumer<List<String>> row);
    }
}
