package dev.sluice.domain.csv;

import java.util.Locale;

/**
 * The order of day, month and year in a date column's numeric dates. It only matters for values such as
 * {@code 03/04/2024}, where day and month could swap; {@code 2024-04-03} and {@code 3.4.2024} say their order
 * themselves.
 */
public enum DateOrder {
    /** {@code 31/03/2024}: most of the world. */
    DMY("day-month-year"),
    /** {@code 03/31/2024}: the United States. */
    MDY("month-day-year"),
    /** {@code 2024-03-31}: ISO 8601; a column read this way refuses {@code 03/04/2024}. */
    YMD("year-month-day");

    private final String description;

    DateOrder(String description) {
        this.description = description;
    }

    /** As messages say it: {@code day-month-year}. */
    public String description() {
        return description;
    }

    /** As the run's decisions and the dataset settings write it: {@code dmy}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
