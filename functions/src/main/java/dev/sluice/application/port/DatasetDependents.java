package dev.sluice.application.port;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What belongs to a dataset besides its runs and their data, and goes with it when it is deleted: its sources (their
 * schedules, header secrets and pull history) and its destinations (their passwords and deliveries). Deleting a
 * dataset first asks each kind whether one of them is still at work, then deletes them all before the dataset item,
 * so a retry after a crash still finds the dataset and deletes what is left.
 */
public interface DatasetDependents {

    /** One of the dataset's that is at work now and would be cut off by the deletion; empty when none is. */
    Optional<Busy> busy(String datasetId);

    /**
     * Deletes every one of the dataset's, each with what it keeps elsewhere (schedule, secret) before its own record,
     * so a repeated call finds what an interrupted one left; nothing left is no error. Returns how many it deleted.
     */
    int deleteAllOf(String datasetId);

    /**
     * @param doing   what is at work, for the refusal's message: "source … is being pulled (pull …)"
     * @param waitFor what the caller waits for before deleting again: "that pull"
     * @param ids     the ids the refusal's details carry ({@code sourceId}, {@code pullId})
     */
    record Busy(String doing, String waitFor, Map<String, String> ids) {
        public Busy {
            ids = Collections.unmodifiableMap(new LinkedHashMap<>(ids));
        }
    }
}
