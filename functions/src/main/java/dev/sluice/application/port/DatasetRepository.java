package dev.sluice.application.port;

import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.SavedMapping;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where datasets are kept (the Datasets table in DynamoDB). Ownership is checked by the callers, not here. */
public interface DatasetRepository {
    /** Stores a new dataset; false when one with its id exists already (nothing is changed then). */
    boolean create(Dataset dataset);

    Optional<Dataset> find(String id);

    /** The owner's datasets, newest first. */
    List<Dataset> listByOwner(String owner);

    /** The owner's default marketing dataset, created on first use (two concurrent first uses get the same one). */
    Dataset defaultFor(String owner, Instant now);

    /** Replaces name, kind-independent settings, limits and mapping; false when the dataset is gone. */
    boolean update(Dataset dataset);

    /** Saves the mapping a user confirmed; false when the dataset is gone. */
    boolean saveMapping(String id, SavedMapping mapping, Instant now);

    /** Deletes the dataset's item (its records are deleted by the caller); false when it was not there. */
    boolean delete(String id);
}
