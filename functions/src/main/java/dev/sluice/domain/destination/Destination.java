package dev.sluice.domain.destination;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An external table a dataset's published runs are delivered to.
 *
 * @param passwordRef where the password is kept (a SecretStore reference); never the password itself
 * @param columns     target column → source field, in the order the target's columns are written; a source field is a
 *                    canonical column ({@code date}, {@code spend}, ...) or an extra column of a marketing dataset, or
 *                    a column of a raw dataset's rows
 * @param key         the target columns an upsert matches on (empty for the other strategies)
 */
public record Destination(String id, String datasetId, String owner, String name, DestinationKind kind, String host,
        int port, String database, String user, String passwordRef, SslMode sslMode, String schema, String table,
        Map<String, String> columns, LoadStrategy strategy, List<String> key, Instant createdAt, Instant updatedAt) {

    public Destination {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(datasetId, "datasetId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(sslMode, "sslMode");
        Objects.requireNonNull(strategy, "strategy");
        columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        key = List.copyOf(key);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a destination maps at least one column");
        }
        if (strategy == LoadStrategy.UPSERT && (key.isEmpty() || !columns.keySet().containsAll(key))) {
            throw new IllegalArgumentException("an upsert destination's key must be mapped target columns");
        }
    }

    /** The same destination with other values (what a PATCH makes). */
    public Destination withTarget(String newName, String newHost, int newPort, String newDatabase, String newUser,
            SslMode newSslMode, String newSchema, String newTable, Map<String, String> newColumns,
            LoadStrategy newStrategy, List<String> newKey, Instant now) {
        return new Destination(id, datasetId, owner, newName, kind, newHost, newPort, newDatabase, newUser,
                passwordRef, newSslMode, newSchema, newTable, newColumns, newStrategy, newKey, createdAt, now);
    }

    public Destination withPasswordRef(String reference) {
        return new Destination(id, datasetId, owner, name, kind, host, port, database, user, reference, sslMode,
                schema, table, columns, strategy, key, createdAt, updatedAt);
    }
}
