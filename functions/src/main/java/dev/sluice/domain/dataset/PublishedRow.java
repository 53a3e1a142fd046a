package dev.sluice.domain.dataset;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One version of a dataset row as the API shows it: the canonical columns and {@code extraJson} of a marketing row,
 * or {@code dataJson} (the header's names to the file's strings) of a raw one. JSON columns stay JSON text.
 */
public record PublishedRow(LocalDate date, String campaign, String channel, BigDecimal spend, Long clicks,
        Long impressions, BigDecimal conversions, String extraJson, String dataJson) {
    public boolean raw() {
        return dataJson != null;
    }
}
