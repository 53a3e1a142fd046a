package dev.sluice.domain.csv;

import dev.sluice.domain.mapping.Mapping;
import java.util.List;
import java.util.Objects;

/**
 * What the splitter needs to know about a file before it plans chunks.
 *
 * @param dataStartByte   absolute offset just past the header record's line terminator
 * @param dataStartLine   physical line (1-based) that starts at {@code dataStartByte}
 * @param unmappedHeaders header columns that feed no canonical field, in file order; kept as extra data
 * @param formats         how each mapped column writes dates and numbers; the loaders read with it
 * @param decisions       every reading decision, as the run records it
 */
public record FileProfile(Dialect dialect, long dataStartByte, long dataStartLine, Mapping mapping,
        NumberStyle numberStyle, List<String> unmappedHeaders, ColumnFormats formats, ReadingDecisions decisions) {
    /** A profile without per-column decisions (tests that build one by hand). */
    public FileProfile(Dialect dialect, long dataStartByte, long dataStartLine, Mapping mapping,
            NumberStyle numberStyle, List<String> unmappedHeaders) {
        this(dialect, dataStartByte, dataStartLine, mapping, numberStyle, unmappedHeaders, ColumnFormats.NONE,
                null);
    }

    public FileProfile {
        formats = formats == null ? ColumnFormats.NONE : formats;
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(numberStyle, "numberStyle");
        if (dataStartByte < dialect.bomLength()) {
            throw new IllegalArgumentException("dataStartByte " + dataStartByte + " is inside the byte-order mark");
        }
        if (dataStartLine < 1) {
            throw new IllegalArgumentException("dataStartLine must be >= 1, was " + dataStartLine);
        }
        unmappedHeaders = List.copyOf(unmappedHeaders);
    }
}
