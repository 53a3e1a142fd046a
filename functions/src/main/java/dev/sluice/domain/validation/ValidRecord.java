package dev.sluice.domain.validation;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A record that passed validation, in canonical fields. Optional metrics are null when the column is absent or
 * the value blank.
 *
 * @param extra the unmapped columns by header name, in file order
 */
public record ValidRecord(
        long recordNo,
        long lineNo,
        LocalDate date,
        String campaign,
        String channel,
        BigDecimal spend,
        Long clicks,
        BigDecimal conversions,
        Long impressions,
        Map<String, String> extra) {
    public ValidRecord {
        if (recordNo < 1 || lineNo < 1) {
            throw new IllegalArgumentException("recordNo and lineNo are 1-based: " + recordNo + ", " + lineNo);
        }
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(campaign, "campaign");
        Objects.requireNonNull(channel, "channel");
        if (extra.isEmpty()) {
            extra = Map.of();
        } else if (!(extra instanceof ExtraColumns)) { // already immutable, and made once per record: not copied
            extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        }
    }
}
