package dev.sluice.domain.source;

import java.util.Arrays;
import java.util.Optional;

/** What a source's URL answers: a CSV file, a paginated JSON API, or an RSS 2.0 / Atom feed. */
public enum SourceKind {
    CSV_URL("csv-url"),
    JSON_API("json-api"),
    FEED("feed");

    private final String wireName;

    SourceKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<SourceKind> fromWire(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
    }
}
