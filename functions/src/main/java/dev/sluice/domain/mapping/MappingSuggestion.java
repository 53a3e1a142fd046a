package dev.sluice.domain.mapping;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A proposed mapping: for each field the column proposed for it, how sure the proposal is and why; the columns left
 * unmapped; and the fields several columns competed for.
 *
 * @param fields    the proposed column per field; fields without a proposal are absent
 * @param unmapped  header columns that feed no field, in header order
 * @param conflicts fields more than one column was a candidate for, in field order
 */
public record MappingSuggestion(Map<CanonicalField, Suggested> fields, List<String> unmapped,
        List<Conflict> conflicts) {
    /**
     * The confidence from which an import applies a proposal by itself. Names (and names with a currency or a
     * "total") are above it; guesses from values alone are below it except a column of dates and a column of ad
     * platform names, and are only proposed for a person to confirm.
     */
    public static final double APPLIED = 0.5;

    public MappingSuggestion {
        EnumMap<CanonicalField, Suggested> copy = new EnumMap<>(CanonicalField.class);
        copy.putAll(fields);
        fields = Collections.unmodifiableMap(copy);
        unmapped = List.copyOf(unmapped);
        conflicts = List.copyOf(conflicts);
    }

    /**
     * One proposal.
     *
     * @param confidence 0..1: about 0.95 for a field's own name, 0.8–0.9 for weaker names, 0.5 and below for a
     *                   guess from the values alone
     * @param reason     in words, e.g. {@code German name for date; the values are dates}
     */
    public record Suggested(String header, double confidence, String reason) {
        public Suggested {
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(reason, "reason");
            if (!(confidence >= 0 && confidence <= 1)) {
                throw new IllegalArgumentException("confidence must be within 0..1, was " + confidence);
            }
        }
    }

    /**
     * Several columns were candidates for one field.
     *
     * @param headers the column chosen first, then the others, which are left unmapped
     */
    public record Conflict(CanonicalField field, List<String> headers) {
        public Conflict {
            Objects.requireNonNull(field, "field");
            headers = List.copyOf(headers);
            if (headers.size() < 2) {
                throw new IllegalArgumentException("a conflict needs two headers or more, was " + headers);
            }
        }
    }

    /** Every proposal as a mapping. */
    public Mapping mapping() {
        return atLeast(0);
    }

    /** The proposals an import applies by itself ({@link #APPLIED}). */
    public Mapping applied() {
        return atLeast(APPLIED);
    }

    private Mapping atLeast(double confidence) {
        Map<CanonicalField, String> columns = new EnumMap<>(CanonicalField.class);
        fields.forEach((field, suggested) -> {
            if (suggested.confidence() >= confidence) {
                columns.put(field, suggested.header());
            }
        });
        return new Mapping(columns);
    }
}
