package dev.sluice.domain.destination;

import java.util.Locale;
import java.util.Optional;

/** How a run's rows land in the target table; each is one target transaction. */
public enum LoadStrategy {
    /** The rows are added. */
    INSERT,
    /** A row replaces the target's row with the same key, or is added. */
    UPSERT,
    /** The table becomes exactly the run's rows: DELETE (or TRUNCATE) and insert, committed together. */
    TRUNCATE_INSERT;

    /** {@code insert}, {@code upsert}, {@code truncate-insert}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<LoadStrategy> byWireName(String name) {
        for (LoadStrategy strategy : values()) {
            if (strategy.wireName().equals(name)) {
                return Optional.of(strategy);
            }
        }
        return Optional.empty();
    }
}
