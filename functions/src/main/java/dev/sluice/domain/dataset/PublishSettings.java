package dev.sluice.domain.dataset;

import java.util.List;
import java.util.Objects;

/**
 * How a dataset takes in its loaded runs.
 *
 * @param strategy append, upsert by {@code key}, or replace
 * @param key      the columns that identify a row for upsert: canonical field names for a marketing dataset
 *                 (default {@code date, campaign, channel}), header names for a raw one (the user picks them; none
 *                 by default, so a raw dataset needs a key before it can use upsert)
 * @param review   whether a loaded run waits in REVIEW for a person to publish or discard it
 */
public record PublishSettings(PublishStrategy strategy, List<String> key, boolean review) {
    /** The marketing dataset's default upsert key. */
    public static final List<String> MARKETING_KEY = List.of("date", "campaign", "channel");

    public PublishSettings {
        Objects.requireNonNull(strategy, "strategy");
        key = key == null ? List.of() : List.copyOf(key);
    }

    /** Append, no review; the default key of the kind. */
    public static PublishSettings defaults(DatasetKind kind) {
        return new PublishSettings(PublishStrategy.APPEND, kind == DatasetKind.MARKETING ? MARKETING_KEY : List.of(),
                false);
    }
}
