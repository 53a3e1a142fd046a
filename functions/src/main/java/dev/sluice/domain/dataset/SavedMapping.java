package dev.sluice.domain.dataset;

import dev.sluice.domain.transform.Transforms;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mapping a user confirmed for a dataset, with the header it was confirmed for, so the next file with the same
 * (or a compatible) header gets it proposed again.
 *
 * @param header  the header of the file the mapping was confirmed on, in file order
 * @param columns    canonical field name ({@code date}, {@code spend}, ...) to header name, in field order
 * @param transforms the transformations and calculated fields confirmed with it
 */
public record SavedMapping(List<String> header, Map<String, String> columns, Transforms transforms) {
    public static final SavedMapping NONE = new SavedMapping(List.of(), Map.of());

    public SavedMapping {
        header = header == null ? List.of() : List.copyOf(header);
        columns = columns == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        transforms = transforms == null ? Transforms.NONE : transforms;
    }

    /** A mapping without transformations. */
    public SavedMapping(List<String> header, Map<String, String> columns) {
        this(header, columns, Transforms.NONE);
    }

    public boolean isEmpty() {
        return columns.isEmpty();
    }

    /**
     * Whether a file with this header can take the mapping: every header the mapping names is in it, in any letter
     * case (the rule the profiler applies to a requested mapping). Columns the mapping does not name may differ.
     */
    public boolean fits(List<String> fileHeader) {
        if (isEmpty()) {
            return false;
        }
        for (String named : columns.values()) {
            String wanted = named.strip();
            if (fileHeader.stream().noneMatch(h -> h.equalsIgnoreCase(wanted))) {
                return false;
            }
        }
        return true;
    }
}
