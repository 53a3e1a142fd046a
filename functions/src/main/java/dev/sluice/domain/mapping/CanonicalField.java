package dev.sluice.domain.mapping;

import java.util.Locale;
import java.util.Optional;

/** The marketing fields every record is mapped onto. */
public enum CanonicalField {
    DATE(true),
    CAMPAIGN(true),
    CHANNEL(true),
    SPEND(false),
    CLICKS(false),
    CONVERSIONS(false),
    IMPRESSIONS(false);

    private final boolean requiredColumn;

    CanonicalField(boolean requiredColumn) {
        this.requiredColumn = requiredColumn;
    }

    /** The name used in JSON, in the database and in mappings: {@code date}, {@code spend}, ... */
    public String fieldName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A file without a column for this field cannot be loaded at all. */
    public boolean requiredColumn() {
        return requiredColumn;
    }

    public static Optional<CanonicalField> byFieldName(String name) {
        for (CanonicalField field : values()) {
            if (field.fieldName().equalsIgnoreCase(name.trim())) {
                return Optional.of(field);
            }
        }
        return Optional.empty();
    }
}
