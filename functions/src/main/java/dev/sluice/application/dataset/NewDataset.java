package dev.sluice.application.dataset;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.DatasetLimits;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.dataset.SavedMapping;
import java.util.Objects;

/** POST /api/datasets: what a new dataset starts with, checked when built. */
public record NewDataset(String name, DatasetKind kind, SavedMapping mapping, ReadingSettings settings,
        DatasetLimits limits, PublishInput publish) {

    /** A new dataset with its kind's publish defaults. */
    public NewDataset(String name, DatasetKind kind, SavedMapping mapping, ReadingSettings settings,
            DatasetLimits limits) {
        this(name, kind, mapping, settings, limits, PublishInput.NONE);
    }

    public NewDataset {
        name = DatasetChanges.checkedName(name);
        kind = kind == null ? DatasetKind.MARKETING : kind;
        mapping = mapping == null ? SavedMapping.NONE : mapping;
        settings = settings == null ? ReadingSettings.AUTO : settings;
        limits = limits == null ? DatasetLimits.GLOBAL : limits;
        publish = publish == null ? PublishInput.NONE : publish;
        Objects.requireNonNull(name, "name");
        if (kind == DatasetKind.RAW && !mapping.isEmpty()) {
            throw InvalidRequestException.badField("mapping", "must be left out for a raw dataset: its records keep "
                    + "the file's own columns");
        }
    }
}
