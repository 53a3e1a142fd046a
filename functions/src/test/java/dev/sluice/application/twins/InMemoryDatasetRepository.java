package dev.sluice.application.twins;

import dev.sluice.application.port.DatasetRepository;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.DatasetLimits;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.dataset.SavedMapping;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Datasets table in memory, for use-case tests. The default dataset's id is {@code default-{owner}}. */
public final class InMemoryDatasetRepository implements DatasetRepository {
    private final Map<String, Dataset> datasets = new LinkedHashMap<>();

    @Override
    public synchronized boolean create(Dataset dataset) {
        return datasets.putIfAbsent(dataset.id(), dataset) == null;
    }

    @Override
    public synchronized Optional<Dataset> find(String id) {
        return Optional.ofNullable(datasets.get(id));
    }

    @Override
    public synchronized List<Dataset> listByOwner(String owner) {
        return datasets.values().stream().filter(d -> d.owner().equals(owner))
                .sorted(Comparator.comparing(Dataset::createdAt).reversed()).toList();
    }

    @Override
    public synchronized Dataset defaultFor(String owner, Instant now) {
        return datasets.computeIfAbsent("default-" + owner, id -> new Dataset(id, "Default", owner,
                DatasetKind.MARKETING, SavedMapping.NONE, ReadingSettings.AUTO, DatasetLimits.GLOBAL, true, now, now));
    }

    @Override
    public synchronized boolean update(Dataset dataset) {
        return datasets.computeIfPresent(dataset.id(), (id, old) -> dataset) != null;
    }

    @Override
    public synchronized boolean saveMapping(String id, SavedMapping mapping, Instant now) {
        return datasets.computeIfPresent(id, (key, old) -> old.withMapping(mapping, now)) != null;
    }

    @Override
    public synchronized boolean delete(String id) {
        return datasets.remove(id) != null;
    }
}
