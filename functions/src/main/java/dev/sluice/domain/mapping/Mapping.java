package dev.sluice.domain.mapping;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Which header column feeds each canonical field. Fields without a column are absent. */
public record Mapping(Map<CanonicalField, String> columns) {
    public Mapping {
        EnumMap<CanonicalField, String> copy = new EnumMap<>(CanonicalField.class);
        copy.putAll(columns);
        columns = Collections.unmodifiableMap(copy);
    }

    public Optional<String> headerFor(CanonicalField field) {
        return Optional.ofNullable(columns.get(field));
    }
}
