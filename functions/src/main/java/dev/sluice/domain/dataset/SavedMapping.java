package dev.sluice.domain.dataset;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mapping a user confirmed for a dataset, with the header it was confirmed for, so the next file with the same
 * (or a compatible) header gets it proposed again.
 *
 * @param header  the header of the file the mapping was confirmed on, in file order
 * @param columns canonical field name ({@code date}, {@code spend}, ...) to header name, in field order
 */
public record SavedMapping(List<String> header, Map<String, String> columns) {
    public static final SavedMapping NONE = new SavedMapping(List.of(), Map.of());

    public SavedMapping {
        header = header == null ? List.of() : List.copyOf(header);
        columns = columns == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    public boolean isEmpty() {
        return columns.isEmpty();
    }
}
