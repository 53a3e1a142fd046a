package dev.sluice.application.port;

import dev.sluice.domain.run.Run;
import java.util.List;
import java.util.Optional;

/** The runs of one dataset (the runs table's RunsByDataset index): its run listing, and deleting a dataset. */
public interface DatasetRuns {

    /** One page of a dataset's runs, newest first; {@code next} continues after the last one. */
    record RunPage(List<Run> runs, Optional<String> next) {
        public RunPage {
            runs = List.copyOf(runs);
        }
    }

    /**
     * @param cursor null for the first page, else the {@code next} of the page before
     * @throws IllegalArgumentException when the cursor is not one this store made
     */
    RunPage runsOf(String datasetId, int limit, String cursor);

    /** Deletes the run's items (the run, its planned chunks and chunk failures); false when the run was not there. */
    boolean deleteRun(String runId);
}
