package dev.sluice.domain.destination;

import java.util.Locale;
import java.util.Optional;

/**
 * What speaks at the other end. Both speak the PostgreSQL protocol; they differ in what a delivery may use: PostgreSQL
 * takes {@code COPY ... FROM STDIN} and {@code INSERT ... ON CONFLICT}, Redshift takes neither from a client (its COPY
 * reads S3, and it enforces no unique keys), so rows go in batched multi-row INSERTs and an upsert is a DELETE of the
 * matching keys followed by an INSERT in the same transaction.
 */
public enum DestinationKind {
    POSTGRES(true),
    REDSHIFT(false);

    private final boolean copyAndOnConflict;

    DestinationKind(boolean copyAndOnConflict) {
        this.copyAndOnConflict = copyAndOnConflict;
    }

    /** True when rows may be streamed with COPY FROM STDIN and upserted with ON CONFLICT. */
    public boolean copyAndOnConflict() {
        return copyAndOnConflict;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DestinationKind> byWireName(String name) {
        for (DestinationKind kind : values()) {
            if (kind.wireName().equals(name)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
