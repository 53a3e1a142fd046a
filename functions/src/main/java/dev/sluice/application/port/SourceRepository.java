package dev.sluice.application.port;

import dev.sluice.domain.source.Checkpoint;
import dev.sluice.domain.source.Pull;
import dev.sluice.domain.source.Source;
import java.util.List;
import java.util.Optional;

/** Sources and their pull history. */
public interface SourceRepository {

    void create(Source source);

    Optional<Source> find(String sourceId);

    /** The sources of a dataset, oldest first. */
    List<Source> listByDataset(String datasetId);

    /** Every source with a schedule (the local scheduler's view; on AWS EventBridge Scheduler holds them). */
    List<Source> listScheduled();

    /**
     * Replaces what a user can change (url, schedule, enabled, cursor field, records path, pagination, since, header
     * names, secret reference, updatedAt); the checkpoint and the active pull are left as they are.
     */
    void updateSettings(Source source);

    /** Removes the source and its pull history. */
    void delete(String sourceId);

    /**
     * Makes {@code pullId} the source's active pull, only when it has none (or still has {@code expectedActive},
     * a pull the caller found finished). False when another pull holds the source.
     */
    boolean claim(String sourceId, String pullId, String expectedActive);

    /** Frees the source from {@code pullId}; no effect when another pull holds it. */
    void release(String sourceId, String pullId);

    void savePull(Pull pull);

    Optional<Pull> findPull(String sourceId, String pullId);

    /** Newest first; {@code after} is the last pull id of the previous page or null. */
    PullPage pulls(String sourceId, int limit, String after);

    /** One page of pulls; {@code nextAfter} is null on the last page. */
    record PullPage(List<Pull> items, String nextAfter) {
    }

    /**
     * In one step: the pull goes from LOADING to {@code done} (DONE), the source's checkpoint becomes
     * {@code checkpoint} and the pull stops holding the source. False (and no change) when the pull is not LOADING:
     * a repeated call advances nothing twice.
     */
    boolean advance(Pull done, Checkpoint checkpoint);
}
