package dev.sluice.domain.dataset;

import java.util.Locale;

/** Where the mapping a run used came from; the run records it so a person can see why a column fed a field. */
public enum MappingSource {
    /** Sent with the upload (or the re-run) by the user. */
    GIVEN,
    /** Saved on the dataset by an earlier import with the same or a compatible header. */
    SAVED,
    /** Proposed by Sluice from the header names and the values. */
    SUGGESTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
