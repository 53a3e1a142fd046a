package dev.sluice.application.dataset;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.DatasetDependents;
import dev.sluice.application.port.DatasetRepository;
import dev.sluice.application.port.DatasetRuns;
import dev.sluice.application.port.RunDataEraser;
import dev.sluice.application.port.RunPublisher;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.run.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DELETE /api/datasets/{id}: the dataset and everything imported into it or attached to it. Refused while one of its
 * runs is not final (a loader could still write records after they were deleted) or one of its sources is being
 * pulled (the pull would create a run after the runs were read). The order makes a retry after a crash finish the
 * job: the sources and destinations go first (their schedules first, so no new pull starts), then the database rows
 * (idempotent), then the runs, then the dataset item, which is what a retry finds. Deleting a run's item also frees
 * its content for a new import (the upload ledger treats a vanished holder as gone).
 */
public final class DeleteDataset {
    private static final int PAGE = 100;

    private final ManageDatasets access;
    private final DatasetRepository datasets;
    private final DatasetRuns runs;
    private final RunDataEraser data;

    private final RunPublisher published;
    private final List<DatasetDependents> dependents;

    public DeleteDataset(ManageDatasets access, DatasetRepository datasets, DatasetRuns runs, RunDataEraser data) {
        this(access, datasets, runs, data, null, List.of());
    }

    /**
     * @param published  where the dataset's published rows, rollups and publish ledger go (null: nowhere)
     * @param dependents the dataset's sources, destinations, ...: deleted with it
     */
    public DeleteDataset(ManageDatasets access, DatasetRepository datasets, DatasetRuns runs, RunDataEraser data,
            RunPublisher published, List<DatasetDependents> dependents) {
        this.access = access;
        this.datasets = datasets;
        this.runs = runs;
        this.data = data;
        this.published = published;
        this.dependents = List.copyOf(dependents);
    }

    /** What was deleted; {@code dependents}: its sources, destinations, ... together. */
    public record Deleted(Dataset dataset, int runs, long records, int dependents) {
    }

    public Deleted delete(Caller caller, String id) {
        Dataset dataset = access.visible(caller, id);
        List<Run> all = new ArrayList<>();
        String cursor = null;
        do {
            DatasetRuns.RunPage page = runs.runsOf(dataset.id(), PAGE, cursor);
            all.addAll(page.runs());
            cursor = page.next().orElse(null);
        } while (cursor != null);
        for (Run run : all) {
            if (!run.status().isAtRest()) {
                throw busy(dataset, "run " + run.runId() + " (" + run.fileName() + ") is " + run.status(),
                        "that run", Map.of("runId", run.runId()));
            }
        }
        for (DatasetDependents kind : dependents) {
            Optional<DatasetDependents.Busy> working = kind.busy(dataset.id());
            if (working.isPresent()) {
                throw busy(dataset, working.get().doing(), working.get().waitFor(), working.get().ids());
            }
        }
        int attached = 0;
        for (DatasetDependents kind : dependents) {
            attached += kind.deleteAllOf(dataset.id());
        }
        List<String> runIds = all.stream().map(Run::runId).toList();
        if (published != null) {
            published.deleteDataset(dataset.id());
        }
        long records = runIds.isEmpty() ? 0 : data.deleteRunData(runIds);
        runIds.forEach(runs::deleteRun);
        datasets.delete(dataset.id());
        return new Deleted(dataset, runIds.size(), records, attached);
    }

    private static InvalidRequestException busy(Dataset dataset, String doing, String waitFor,
            Map<String, String> ids) {
        return new InvalidRequestException("DATASET_BUSY", 409, "Dataset '" + dataset.name() + "' is still "
                + "importing: " + doing + ". Nothing was deleted; delete it again once " + waitFor
                + " has finished.", new LinkedHashMap<String, Object>(ids));
    }
}
