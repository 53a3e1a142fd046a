package dev.sluice.domain.dataset;

import java.util.Locale;
import java.util.Optional;

/**
 * What a dataset's records are: the canonical marketing fields, or any CSV kept as the exact strings of the file.
 * The wire name ({@code marketing}, {@code raw}) is what the API, the chunk messages and the database use.
 */
public enum DatasetKind {
    /** Records are mapped onto the canonical fields (date, campaign, channel, spend, ...), typed and validated. */
    MARKETING,
    /** Records are stored as an object keyed by header, values as the exact strings in the file. */
    RAW;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DatasetKind> byWireName(String name) {
        for (DatasetKind kind : values()) {
            if (kind.wireName().equals(name)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
