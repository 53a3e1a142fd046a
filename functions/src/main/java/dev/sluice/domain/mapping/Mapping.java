package dev.sluice.domain.mapping;

import dev.sluice.domain.transform.Transforms;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which header column feeds each canonical field, and how fields are transformed or calculated. Fields without a
 * column are absent from {@code columns}; a calculated field has a transform and no column.
 */
public record Mapping(Map<CanonicalField, String> columns, Transforms transforms) {
    public Mapping {
        EnumMap<CanonicalField, String> copy = new EnumMap<>(CanonicalField.class);
        copy.putAll(columns);
        columns = Collections.unmodifiableMap(copy);
        transforms = transforms == null ? Transforms.NONE : transforms;
    }

    /** A mapping without transformations. */
    public Mapping(Map<CanonicalField, String> columns) {
        this(columns, Transforms.NONE);
    }

    public Optional<String> headerFor(CanonicalField field) {
        return Optional.ofNullable(columns.get(field));
    }

    /** The same columns with other transformations. */
    public Mapping withTransforms(Transforms other) {
        return new Mapping(columns, other);
    }

    /** Whether the field's value is calculated by an expression (so it needs no column). */
    public boolean calculates(CanonicalField field) {
        var transform = transforms.fields().get(field.fieldName());
        return transform != null && transform.isCalculated();
    }
}
