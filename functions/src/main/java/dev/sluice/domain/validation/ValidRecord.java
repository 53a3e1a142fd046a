package dev.sluice.domain.validation;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;

public record ValidRecord(long recordNo, long lineNo, LocalDate date, String campaign, String channel,
        BigDecimal spend, Long clicks, BigDecimal conversions, Long impressions, Map<String, String> extra) {
}
