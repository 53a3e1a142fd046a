package dev.sluice.domain.source;

import java.time.Instant;
import java.util.Objects;

/**
 * One pull of a source. {@code pullId} is also the last segment of the object key the pull writes
 * ({@code pulls/{sourceId}/{pullId}}), so the run that loads the object leads back to its pull.
 *
 * @param trigger  {@code manual} (the API's run-now) or {@code schedule}
 * @param records  data records written (json-api, feed) or loaded (csv-url, known once the run has finished);
 *                 null when not known
 * @param bytes    bytes written to the bucket
 */
public record Pull(String pullId, String sourceId, String runId, PullStatus status, Checkpoint checkpointBefore,
        Checkpoint checkpointAfter, Long records, long bytes, String error, Instant startedAt, Instant finishedAt,
        String trigger) {

    public Pull {
        Objects.requireNonNull(pullId, "pullId");
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(status, "status");
        checkpointBefore = checkpointBefore == null ? Checkpoint.NONE : checkpointBefore;
    }

    public static Pull started(String pullId, String sourceId, Checkpoint before, Instant now, String trigger) {
        return new Pull(pullId, sourceId, null, PullStatus.RUNNING, before, null, null, 0, null, now, null, trigger);
    }

    public Pull loading(String run, Checkpoint after, Long recordCount, long byteCount) {
        return new Pull(pullId, sourceId, run, PullStatus.LOADING, checkpointBefore, after, recordCount, byteCount,
                null, startedAt, null, trigger);
    }

    public Pull nothingNew(Instant now, long byteCount) {
        return new Pull(pullId, sourceId, null, PullStatus.NOTHING_NEW, checkpointBefore, checkpointBefore, 0L,
                byteCount, null, startedAt, now, trigger);
    }

    public Pull failed(String message, Instant now) {
        return new Pull(pullId, sourceId, runId, PullStatus.FAILED, checkpointBefore, null, records, bytes, message,
                startedAt, now, trigger);
    }

    public Pull done(Long recordCount, Instant now) {
        return new Pull(pullId, sourceId, runId, PullStatus.DONE, checkpointBefore, checkpointAfter,
                recordCount == null ? records : recordCount, bytes, null, startedAt, now, trigger);
    }
}
