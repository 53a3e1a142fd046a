package dev.sluice.domain.progress;

/** How fast a run goes and when it should be done; both null while unknown. */
public record Estimate(Double ratePerSec, Long etaSec) {
    public static final Estimate UNKNOWN = new Estimate(null, null);
}
