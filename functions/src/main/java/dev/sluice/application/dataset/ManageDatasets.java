package dev.sluice.application.dataset;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.DatasetRepository;
import dev.sluice.application.port.DatasetRuns;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetIds;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.DatasetLimits;
import dev.sluice.domain.dataset.PublishSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Creating, reading and changing datasets. Every read of one dataset goes through {@link #visible}: someone else's
 * dataset answers exactly like a missing one ({@code NOT_FOUND}), except to administrators, who see all.
 */
public final class ManageDatasets {
    private static final int SHOWN_ID_CHARS = 64;

    private final DatasetRepository datasets;
    private final DatasetRuns runs;
    private final DatasetLimits global;
    private final Clock clock;

    /** @param global the global limits (MAX_FILE_BYTES, ...), every value set */
    public ManageDatasets(DatasetRepository datasets, DatasetRuns runs, DatasetLimits global, Clock clock) {
        this.datasets = datasets;
        this.runs = runs;
        this.global = global;
        this.clock = clock;
    }

    public DatasetLimits globalLimits() {
        return global;
    }

    public Dataset create(Caller caller, NewDataset request) {
        checkLimits(request.limits());
        Instant now = clock.instant();
        Dataset dataset = new Dataset(DatasetIds.newId(), request.name(), caller.owner(), request.kind(),
                request.mapping(), request.settings(), request.limits(), false, now, now,
                request.publish().over(PublishSettings.defaults(request.kind()), request.kind()));
        if (!datasets.create(dataset)) {
            throw new IllegalStateException("a new random dataset id was taken: " + dataset.id());
        }
        return dataset;
    }

    /** The caller's own datasets, newest first. */
    public List<Dataset> list(Caller caller) {
        return datasets.listByOwner(caller.owner());
    }

    /** The dataset, when it exists and the caller may see it; else NOT_FOUND naming the id. */
    public Dataset visible(Caller caller, String id) {
        Optional<Dataset> dataset = DatasetIds.valid(id) ? datasets.find(id) : Optional.empty();
        if (dataset.isEmpty() || !caller.maySee(dataset.get().owner())) {
            throw notFound(id);
        }
        return dataset.get();
    }

    public Dataset update(Caller caller, String id, DatasetChanges changes) {
        Dataset old = visible(caller, id);
        if (changes.kind().filter(kind -> kind != old.kind()).isPresent()) {
            throw InvalidRequestException.badField("kind", "cannot change: dataset '" + old.name() + "' is "
                    + old.kind().wireName() + "; create a new " + changes.kind().get().wireName() + " dataset instead");
        }
        changes.limits().ifPresent(this::checkLimits);
        if (old.kind() == DatasetKind.RAW
                && changes.mapping().filter(m -> !m.isEmpty()).isPresent()) {
            throw InvalidRequestException.badField("mapping", "must be left out for a raw dataset: its records keep "
                    + "the file's own columns");
        }
        Dataset changed = new Dataset(old.id(), changes.name().orElse(old.name()), old.owner(), old.kind(),
                changes.mapping().orElse(old.mapping()), changes.settings().orElse(old.settings()),
                changes.limits().orElse(old.limits()), old.isDefault(), old.createdAt(), clock.instant(),
                changes.publish().over(old.publish(), old.kind()));
        if (!datasets.update(changed)) {
            throw notFound(id);
        }
        return changed;
    }

    /** A page of the dataset's runs, newest first, once the caller may see the dataset. */
    public DatasetRuns.RunPage runs(Caller caller, String id, int limit, String cursor) {
        Dataset dataset = visible(caller, id);
        try {
            return runs.runsOf(dataset.id(), limit, cursor);
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.badField("cursor", "is not one this listing returned; start again "
                    + "without it");
        }
    }

    /**
     * The kind of a run's dataset by id, for showing runs: each dataset is read once per lookup (a page of runs names
     * few datasets); a run whose dataset is not stored (any more) reads as marketing, as the splitter reads it.
     */
    public Function<String, DatasetKind> kinds() {
        Map<String, DatasetKind> seen = new HashMap<>();
        return id -> id == null ? DatasetKind.MARKETING : seen.computeIfAbsent(id, key -> (DatasetIds.valid(key)
                ? datasets.find(key).map(Dataset::kind) : Optional.<DatasetKind>empty()).orElse(DatasetKind.MARKETING));
    }

    /** A dataset may lower each global limit, never raise it. */
    void checkLimits(DatasetLimits limits) {
        check("maxFileBytes", limits.maxFileBytes(), global.maxFileBytes(), "MAX_FILE_BYTES");
        check("maxColumns", limits.maxColumns(), global.maxColumns(), "MAX_COLUMNS");
        check("maxFieldBytes", limits.maxFieldBytes(), global.maxFieldBytes(), "MAX_FIELD_BYTES");
        check("maxRecords", limits.maxRecords(), global.maxRecords(), "MAX_RECORDS_PER_FILE");
    }

    private static void check(String name, Number value, long max, String setting) {
        if (value == null) {
            return;
        }
        if (value.longValue() < 1) {
            throw InvalidRequestException.badField("limits." + name, "must be a whole number of at least 1");
        }
        if (value.longValue() > max) {
            throw InvalidRequestException.badField("limits." + name, "must be at most " + max + ", the global "
                    + setting + ": a dataset may only lower a limit");
        }
    }

    static InvalidRequestException notFound(String id) {
        String shown = id == null ? "" : id.length() > SHOWN_ID_CHARS ? id.substring(0, SHOWN_ID_CHARS) + "..." : id;
        return new InvalidRequestException("NOT_FOUND", 404, "No dataset with id '" + shown + "'");
    }
}
