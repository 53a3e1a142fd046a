package dev.sluice.application.dataset;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.domain.dataset.SavedMapping;
import dev.sluice.domain.mapping.CanonicalField;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A mapping a user sends for a dataset ({@code {field: header}}), checked as an upload's mapping is. */
public final class MappingInput {
    private MappingInput() {
    }

    /** @param field the request field named in errors ({@code mapping}) */
    public static SavedMapping checked(String field, Map<String, String> columns, List<String> header) {
        Map<String, String> checked = new LinkedHashMap<>();
        for (CanonicalField canonical : CanonicalField.values()) {
            String given = columns.get(canonical.fieldName());
            if (given != null) {
                checked.put(canonical.fieldName(), given);
            }
        }
        for (Map.Entry<String, String> entry : columns.entrySet()) {
            if (CanonicalField.byFieldName(entry.getKey()).isEmpty()) {
                throw InvalidRequestException.badField(field, "names unknown field '" + entry.getKey() + "'; fields "
                        + "are date, campaign, channel, spend, clicks, conversions, impressions");
            }
            String value = entry.getValue();
            if (value == null || value.isBlank()) {
                throw InvalidRequestException.badField(field, "gives no header for '" + entry.getKey() + "'");
            }
            if (value.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL
                    || Character.getType(c) == Character.SURROGATE)) {
                throw InvalidRequestException.badField(field, "gives a header for '" + entry.getKey() + "' with "
                        + "control characters or unpaired surrogates; no header can hold them");
            }
            checked.put(entry.getKey(), value.strip());
        }
        return new SavedMapping(header, checked);
    }
}
