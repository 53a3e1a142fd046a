package dev.sluice.domain.run;

/**
 * What publishing a run does (or, in REVIEW, would do) to its dataset's current rows.
 *
 * @param inserted    keys the dataset did not have
 * @param updated     keys whose current row gets a new version with other values
 * @param unchanged   keys whose current row equals the run's record in every value (no new version)
 * @param conflicting records of the run that lost to a later record of the same run with the same key
 * @param removed     current rows a replace supersedes because the run does not have their key
 */
public record PublishCounts(long inserted, long updated, long unchanged, long conflicting, long removed) {
    public static final PublishCounts ZERO = new PublishCounts(0, 0, 0, 0, 0);
}
