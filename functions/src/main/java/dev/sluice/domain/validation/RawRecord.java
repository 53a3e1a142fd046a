package dev.sluice.domain.validation;

import java.util.List;
import java.util.Objects;

/**
 * A record of a raw dataset, kept as the exact strings of the file: {@code values.get(i)} is the value under
 * {@code names.get(i)}. Both lists have the header's size (a short record's missing values are {@code ""}).
 *
 * @param names  the header's column names, made unique ({@code amount}, {@code amount_2}, {@code column_3}); the
 *               same list object for every record of a chunk
 * @param values the record's values in header order, quotes removed, nothing trimmed or converted
 */
public record RawRecord(long recordNo, long lineNo, List<String> names, List<String> values) {
    public RawRecord {
        if (recordNo < 1 || lineNo < 1) {
            throw new IllegalArgumentException("recordNo and lineNo are 1-based: " + recordNo + ", " + lineNo);
        }
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(values, "values");
        if (names.size() != values.size()) {
            throw new IllegalArgumentException(names.size() + " names but " + values.size() + " values");
        }
    }
}
