package dev.sluice.application.dataset;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.domain.dataset.PublishStrategy;
import dev.sluice.domain.mapping.CanonicalField;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The publish fields of POST/PATCH /api/datasets ({@code publish}, {@code publishKey}, {@code review}); each absent
 * one keeps the dataset's (or, for a new dataset, the kind's default). {@link #over} merges and checks them: a
 * marketing key names canonical fields, a raw upsert needs a key of header names. Problems answer 400
 * INVALID_PUBLISH.
 */
public record PublishInput(Optional<PublishStrategy> strategy, Optional<List<String>> key, Optional<Boolean> review) {
    public static final PublishInput NONE = new PublishInput(Optional.empty(), Optional.empty(), Optional.empty());
    static final int MAX_KEY_COLUMNS = 20;
    private static final int MAX_COLUMN_NAME = 200;

    public PublishInput {
        strategy = strategy == null ? Optional.empty() : strategy;
        key = key == null ? Optional.empty() : key.map(List::copyOf);
        review = review == null ? Optional.empty() : review;
    }

    /** The settings these fields make of {@code old} for a dataset of {@code kind}, checked. */
    public PublishSettings over(PublishSettings old, DatasetKind kind) {
        PublishStrategy chosen = strategy.orElse(old.strategy());
        List<String> chosenKey = key.orElse(old.key());
        if (kind == DatasetKind.MARKETING && chosenKey.isEmpty()) {
            chosenKey = PublishSettings.MARKETING_KEY;
        }
        if (chosenKey.size() > MAX_KEY_COLUMNS) {
            throw invalid("publishKey has " + chosenKey.size() + " columns; at most " + MAX_KEY_COLUMNS);
        }
        Set<String> seen = new HashSet<>();
        for (String column : chosenKey) {
            if (column == null || column.isBlank() || column.length() > MAX_COLUMN_NAME) {
                throw invalid("publishKey must list column names (non-empty, at most " + MAX_COLUMN_NAME
                        + " characters)");
            }
            if (!seen.add(column)) {
                throw invalid("publishKey names \"" + column + "\" twice");
            }
            if (kind == DatasetKind.MARKETING && CanonicalField.byFieldName(column).isEmpty()) {
                throw invalid("publishKey of a marketing dataset must name canonical fields ("
                        + Arrays.stream(CanonicalField.values()).map(CanonicalField::fieldName)
                                .collect(Collectors.joining(", "))
                        + "); \"" + column + "\" is not one");
            }
        }
        if (kind == DatasetKind.RAW && chosen == PublishStrategy.UPSERT && chosenKey.isEmpty()) {
            throw invalid("publish \"upsert\" on a raw dataset needs publishKey: the header names that identify a "
                    + "row, e.g. [\"Order Id\"]");
        }
        return new PublishSettings(chosen, chosenKey, review.orElse(old.review()));
    }

    static InvalidRequestException invalid(String message) {
        return new InvalidRequestException("INVALID_PUBLISH", 400, message);
    }
}
