package dev.sluice.application.admin;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.RunSearch;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code GET /api/admin/runs}: every owner's runs, filtered, for administrators. To anyone else the route does not
 * exist ({@code NOT_FOUND}, the unknown-route answer), so its existence is not confirmed either.
 */
public final class AdminRuns {
    private final RunSearch search;
    private final Clock clock;
    private final Duration chunkVisibilityTimeout;

    /** @param chunkVisibilityTimeout ChunkQueue's, which the stalled filter judges by (as the run's JSON does) */
    public AdminRuns(RunSearch search, Clock clock, Duration chunkVisibilityTimeout) {
        this.search = search;
        this.clock = clock;
        this.chunkVisibilityTimeout = chunkVisibilityTimeout;
    }

    public RunSearch.Page list(Caller caller, String method, String path, AdminRunFilter filter, int limit,
            String cursor) {
        requireAdmin(caller, method, path);
        RunSearch.Query query = new RunSearch.Query(filter.statuses(), filter.owner(), filter.datasetId(),
                filter.from(), filter.to(), limit, cursor, filter.matches(clock.instant(), chunkVisibilityTimeout));
        try {
            return search.search(query);
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.badField("cursor", "is not a cursor returned by this listing with the same "
                    + "owner, dataset and status filters");
        }
    }

    /** The answer to a non-administrator on any admin path: the same as for a path that does not exist. */
    public static void requireAdmin(Caller caller, String method, String path) {
        if (caller == null || !caller.admin()) {
            throw notFound(method, path);
        }
    }

    public static InvalidRequestException notFound(String method, String path) {
        String shown = path.length() > 200 ? path.substring(0, 200) + "..." : path;
        return new InvalidRequestException("NOT_FOUND", 404, "No route for " + method + " " + shown);
    }
}
