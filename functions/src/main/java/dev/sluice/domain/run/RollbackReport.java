package dev.sluice.domain.run;

import java.util.List;

/**
 * What rolling back a run did: its current versions {@code removed}, the versions it had superseded made current
 * again ({@code restored}), and the keys left to a later run that wrote them again ({@code conflicts}).
 */
public record RollbackReport(long removed, long restored, List<KeyConflict> conflicts) {
    public RollbackReport {
        conflicts = List.copyOf(conflicts);
    }

    /** A key whose current version was written by {@code laterRunId} after the rolled-back run. */
    public record KeyConflict(String key, String laterRunId) {
    }
}
