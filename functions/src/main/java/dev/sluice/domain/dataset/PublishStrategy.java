package dev.sluice.domain.dataset;

import java.util.Locale;
import java.util.Optional;

/**
 * How a loaded run becomes part of its dataset's current data. The wire name ({@code append}, {@code upsert},
 * {@code replace}) is what the API and the database use.
 */
public enum PublishStrategy {
    /** Every stored record of the run becomes a row of the dataset. */
    APPEND,
    /** A record replaces the dataset's row with the same key (the dataset's publish key), or is added. */
    UPSERT,
    /** The dataset's data becomes exactly the run's records. */
    REPLACE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PublishStrategy> byWireName(String name) {
        for (PublishStrategy strategy : values()) {
            if (strategy.wireName().equals(name)) {
                return Optional.of(strategy);
            }
        }
        return Optional.empty();
    }
}
