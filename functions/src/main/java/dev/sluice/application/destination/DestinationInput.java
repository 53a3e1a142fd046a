package dev.sluice.application.destination;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.domain.destination.DestinationKind;
import dev.sluice.domain.destination.LoadStrategy;
import dev.sluice.domain.destination.SslMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a POST or PATCH of a destination says; null is "not given". Each given value is checked here, so the use case
 * sees only usable values; {@link #complete} checks that a new destination has everything it needs.
 */
public record DestinationInput(String name, DestinationKind kind, String host, Integer port, String database,
        String user, String password, SslMode sslMode, String schema, String table, Map<String, String> columns,
        LoadStrategy strategy, List<String> key) {
    static final int MAX_NAME_CHARS = 200;
    /** PostgreSQL truncates identifiers at 63 bytes; a longer one would name another object. */
    static final int MAX_IDENTIFIER_BYTES = 63;
    static final int MAX_COLUMNS = 500;

    public DestinationInput {
        text("name", name, MAX_NAME_CHARS);
        text("host", host, 255);
        if (host != null && !host.matches("[A-Za-z0-9.:_\\-\\[\\]]+")) {
            throw InvalidRequestException.badField("host", "must be a host name or an IP address");
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw InvalidRequestException.badField("port", "must be 1..65535, was " + port);
        }
        text("database", database, MAX_IDENTIFIER_BYTES);
        text("user", user, MAX_IDENTIFIER_BYTES);
        if (password != null && password.length() > 1024) {
            throw InvalidRequestException.badField("password", "must be at most 1024 characters");
        }
        identifier("schema", schema);
        identifier("table", table);
        if (columns != null) {
            if (columns.isEmpty() || columns.size() > MAX_COLUMNS) {
                throw InvalidRequestException.badField("columns", "must map 1.." + MAX_COLUMNS
                        + " target columns to source fields, e.g. {\"day\": \"date\"}");
            }
            for (Map.Entry<String, String> entry : columns.entrySet()) {
                identifier("columns", entry.getKey());
                if (entry.getValue() == null || entry.getValue().isBlank() || entry.getValue().length() > 256) {
                    throw InvalidRequestException.badField("columns." + entry.getKey(), "must name a source field "
                            + "(a canonical column such as \"date\", or a column of the file)");
                }
            }
            columns = new LinkedHashMap<>(columns);
        }
        if (key != null) {
            key = List.copyOf(key);
            key.forEach(k -> identifier("key", k));
        }
    }

    private static void text(String field, String value, int max) {
        if (value != null && (value.isBlank() || value.length() > max || value.indexOf('\0') >= 0)) {
            throw InvalidRequestException.badField(field, "must be 1.." + max + " characters");
        }
    }

    private static void identifier(String field, String value) {
        if (value != null && (value.isEmpty() || value.indexOf('\0') >= 0
                || value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES)) {
            throw InvalidRequestException.badField(field, "must be a table or column name of 1.."
                    + MAX_IDENTIFIER_BYTES + " bytes");
        }
    }

    /** A new destination needs every value except sslMode (prefer), key (none) and strategy (insert). */
    void complete() {
        require("name", name);
        require("kind", kind);
        require("host", host);
        require("port", port);
        require("database", database);
        require("user", user);
        require("password", password);
        require("schema", schema);
        require("table", table);
        require("columns", columns);
    }

    private static void require(String field, Object value) {
        if (value == null) {
            throw InvalidRequestException.badField(field, "is required");
        }
    }

    /** The upsert key against the mapping: an upsert needs one, the others take none. */
    static void checkKey(LoadStrategy strategy, List<String> key, Map<String, String> columns) {
        if (strategy == LoadStrategy.UPSERT) {
            if (key.isEmpty()) {
                throw InvalidRequestException.badField("key", "is required for strategy upsert: the target columns "
                        + "a row is matched on");
            }
            for (String column : key) {
                if (!columns.containsKey(column)) {
                    throw InvalidRequestException.badField("key", "names '" + column + "', which 'columns' does not "
                            + "map; key columns must be mapped target columns");
                }
            }
        } else if (!key.isEmpty()) {
            throw InvalidRequestException.badField("key", "is only for strategy upsert, not "
                    + strategy.wireName());
        }
    }
}
