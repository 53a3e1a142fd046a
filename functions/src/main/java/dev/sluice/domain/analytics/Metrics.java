package dev.sluice.domain.analytics;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * The sums of a set of marketing rows (as the rollups keep them: a missing metric counts as 0) and the ratios derived
 * from them. Ratios are exact divisions rounded once: {@link #ctr} and {@link #conversionRate} to 6 significant
 * digits, {@link #cpc} and {@link #cpa} (money per click or conversion) to 4 decimal places; each is null when its
 * divisor is 0, never a division by zero or an infinity.
 */
public record Metrics(long rows, BigDecimal spend, long clicks, long impressions, BigDecimal conversions) {
    public static final Metrics ZERO = new Metrics(0, BigDecimal.ZERO, 0, 0, BigDecimal.ZERO);
    private static final MathContext RATIO = new MathContext(6, RoundingMode.HALF_EVEN);
    private static final int MONEY_PLACES = 4;

    public Metrics {
        Objects.requireNonNull(spend, "spend");
        Objects.requireNonNull(conversions, "conversions");
    }

    public Metrics plus(Metrics other) {
        return new Metrics(rows + other.rows, spend.add(other.spend), clicks + other.clicks,
                impressions + other.impressions, conversions.add(other.conversions));
    }

    /** Clicks per impression. */
    public BigDecimal ctr() {
        return impressions == 0 ? null : BigDecimal.valueOf(clicks).divide(BigDecimal.valueOf(impressions), RATIO);
    }

    /** Conversions per click. */
    public BigDecimal conversionRate() {
        return clicks == 0 ? null : conversions.divide(BigDecimal.valueOf(clicks), RATIO);
    }

    /** Spend per click. */
    public BigDecimal cpc() {
        return clicks == 0 ? null : spend.divide(BigDecimal.valueOf(clicks), MONEY_PLACES, RoundingMode.HALF_EVEN);
    }

    /** Spend per conversion. */
    public BigDecimal cpa() {
        return conversions.signum() == 0 ? null : spend.divide(conversions, MONEY_PLACES, RoundingMode.HALF_EVEN);
    }
}
