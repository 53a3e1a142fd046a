package dev.sluice.domain.source;

import java.util.Locale;

/**
 * Where one pull is: fetching ({@code RUNNING}), written to the bucket and loading as a run ({@code LOADING}),
 * loaded and its checkpoint advanced ({@code DONE}), nothing new to load ({@code NOTHING_NEW}), or failed (the
 * checkpoint stays where it was).
 */
public enum PullStatus {
    RUNNING,
    LOADING,
    DONE,
    NOTHING_NEW,
    FAILED;

    /** Whether the pull still holds its source (no other pull may start). */
    public boolean active() {
        return this == RUNNING || this == LOADING;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
