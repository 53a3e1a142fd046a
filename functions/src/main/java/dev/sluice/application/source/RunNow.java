package dev.sluice.application.source;

/**
 * A pull the user asked for (the API's run-now): in this process locally, through PullFunction on AWS, where the API
 * function sits in the database's VPC without a route to the internet and only PullFunction may fetch URLs.
 */
@FunctionalInterface
public interface RunNow {
    /**
     * Pulls the source now and says which pull it was and which run loads it (null: nothing new, or failed).
     *
     * @throws dev.sluice.application.InvalidRequestException 404 for a missing source, 409 while one is pulled
     */
    Answer pull(String sourceId);

    /** The pull's id and its run's id. */
    record Answer(String pullId, String runId) {
    }

    /** In this process. */
    static RunNow direct(PullSource pulls) {
        return sourceId -> {
            PullSource.Result result = pulls.pull(sourceId, "manual").orElseThrow();
            return new Answer(result.pullId(), result.runId());
        };
    }
}
