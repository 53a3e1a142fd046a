package dev.sluice.domain.dataset;

import java.time.Instant;
import java.util.Objects;

/**
 * Where an owner's imports go: a named collection of records of one kind, with the mapping last confirmed for it and
 * the settings its files are read with.
 *
 * @param id       stable id, chosen by Sluice
 * @param owner    the subject of the user who created it ({@code partner:{name}} for a partner's own)
 * @param name     what the user calls it (unique per owner is not required)
 * @param isDefault whether this is the owner's default marketing dataset, used by uploads that name none
 * @param publish  how its loaded runs are published into its current data (null: the kind's defaults)
 */
public record Dataset(String id, String name, String owner, DatasetKind kind, SavedMapping mapping,
        ReadingSettings settings, DatasetLimits limits, boolean isDefault, Instant createdAt, Instant updatedAt,
        PublishSettings publish) {
    public Dataset {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(kind, "kind");
        name = name == null ? id : name;
        mapping = mapping == null ? SavedMapping.NONE : mapping;
        settings = settings == null ? ReadingSettings.AUTO : settings;
        limits = limits == null ? DatasetLimits.GLOBAL : limits;
        publish = publish == null ? PublishSettings.defaults(kind) : publish;
    }

    /** A dataset with its kind's publish defaults. */
    public Dataset(String id, String name, String owner, DatasetKind kind, SavedMapping mapping,
            ReadingSettings settings, DatasetLimits limits, boolean isDefault, Instant createdAt, Instant updatedAt) {
        this(id, name, owner, kind, mapping, settings, limits, isDefault, createdAt, updatedAt, null);
    }

    /** What a run reads with when its dataset is not (or no longer) stored: marketing, everything auto. */
    public static Dataset implicit(String id, String owner) {
        return new Dataset(id, id, owner, DatasetKind.MARKETING, SavedMapping.NONE, ReadingSettings.AUTO,
                DatasetLimits.GLOBAL, false, Instant.EPOCH, Instant.EPOCH);
    }

    public Dataset withMapping(SavedMapping saved, Instant now) {
        return new Dataset(id, name, owner, kind, saved, settings, limits, isDefault, createdAt, now, publish);
    }
}
