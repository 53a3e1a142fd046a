package dev.sluice.domain.csv;

/** How a file writes numbers; decided once per file from its values. */
public enum NumberStyle {
    /** {@code 1,234.56}: comma groups thousands, point marks decimals. */
    US,
    /** {@code 1.234,56}: point (or space) groups thousands, comma marks decimals. */
    EUROPEAN
}
