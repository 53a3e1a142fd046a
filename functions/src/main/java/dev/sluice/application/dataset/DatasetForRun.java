package dev.sluice.application.dataset;

import dev.sluice.application.port.DatasetRepository;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.DatasetLimits;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.dataset.SavedMapping;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Which dataset a new run imports into: the one an upload names (only the caller's own), the caller's default when it
 * names none, or the dataset configured for a partner's drops (PARTNERS), created for the partner's owner on its
 * first drop.
 */
public final class DatasetForRun {
    private final DatasetRepository datasets;
    private final Clock clock;

    public DatasetForRun(DatasetRepository datasets, Clock clock) {
        this.datasets = datasets;
        this.clock = clock;
    }

    /**
     * @param owner     who uploads; uploads go into the uploader's own datasets only, administrators' too, since a run
     *                  belongs to who uploaded it
     * @param datasetId null for the owner's default dataset
     * @throws dev.sluice.application.InvalidRequestException NOT_FOUND for an unknown id or another owner's dataset
     */
    public Dataset forUpload(String owner, String datasetId) {
        if (datasetId == null) {
            return datasets.defaultFor(owner, clock.instant());
        }
        return datasets.find(datasetId).filter(d -> d.owner().equals(owner))
                .orElseThrow(() -> ManageDatasets.notFound(datasetId));
    }

    /**
     * The partner's dataset, created (marketing, named after its id) when absent. Concurrent first drops create it
     * once: the id is the configured one and the put is conditional.
     */
    public Dataset forPartner(String owner, String datasetId) {
        Optional<Dataset> found = datasets.find(datasetId);
        if (found.isPresent()) {
            return found.get();
        }
        Instant now = clock.instant();
        Dataset created = new Dataset(datasetId, datasetId, owner, DatasetKind.MARKETING,
                SavedMapping.NONE, ReadingSettings.AUTO, DatasetLimits.GLOBAL, false, now, now);
        if (datasets.create(created)) {
            return created;
        }
        return datasets.find(datasetId).orElse(created);
    }
}
