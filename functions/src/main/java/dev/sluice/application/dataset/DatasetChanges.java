package dev.sluice.application.dataset;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.DatasetLimits;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.dataset.SavedMapping;
import java.util.Optional;

/**
 * PATCH /api/datasets/{id}: each present field replaces the dataset's (settings and limits as a whole); an absent
 * one keeps it. A mapping of {@code null} in the request clears the saved mapping ({@link SavedMapping#NONE} here).
 * A kind may be sent (a client sending back what it read) but must be the dataset's own: kind never changes.
 */
public record DatasetChanges(Optional<String> name, Optional<DatasetKind> kind, Optional<SavedMapping> mapping,
        Optional<ReadingSettings> settings, Optional<DatasetLimits> limits, PublishInput publish) {
    static final int MAX_NAME = 100;

    /** Changes that leave the publish settings as they are. */
    public DatasetChanges(Optional<String> name, Optional<DatasetKind> kind, Optional<SavedMapping> mapping,
            Optional<ReadingSettings> settings, Optional<DatasetLimits> limits) {
        this(name, kind, mapping, settings, limits, PublishInput.NONE);
    }

    public DatasetChanges {
        name = name == null ? Optional.empty() : name.map(DatasetChanges::checkedName);
        kind = kind == null ? Optional.empty() : kind;
        mapping = mapping == null ? Optional.empty() : mapping;
        settings = settings == null ? Optional.empty() : settings;
        limits = limits == null ? Optional.empty() : limits;
        publish = publish == null ? PublishInput.NONE : publish;
    }

    static String checkedName(String name) {
        if (name == null || name.isBlank()) {
            throw InvalidRequestException.badField("name", "is required: what you call the dataset");
        }
        String stripped = name.strip();
        if (stripped.codePointCount(0, stripped.length()) > MAX_NAME) {
            throw InvalidRequestException.badField("name", "is longer than " + MAX_NAME + " characters");
        }
        if (stripped.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL
                || Character.getType(c) == Character.SURROGATE)) {
            throw InvalidRequestException.badField("name", "must not contain control characters or unpaired "
                    + "surrogates");
        }
        return stripped;
    }
}
