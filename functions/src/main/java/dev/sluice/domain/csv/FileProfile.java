package dev.sluice.domain.csv;

import dev.sluice.domain.mapping.Mapping;
import dev.sluice.domain.validation.NumberStyle;
import java.util.List;

public record FileProfile(Dialect dialect, long dataStartByte, long dataStartLine, Mapping mapping,
        NumberStyle numberStyle, List<String> unmappedHeaders) {
}
