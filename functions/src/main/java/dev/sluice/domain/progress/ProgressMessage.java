package dev.sluice.domain.progress;

import dev.sluice.domain.run.RunStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * One message to a watcher of a run (DESIGN.md, "Progress over WebSockets"). Built only from a
 * {@link RunProgress} and an {@link Estimate}, so its invariants hold for every message sent: bytes within
 * {@code [0, bytesTotal]}, {@code run.finished} only for final runs, {@code run.review} only for runs in REVIEW and
 * {@code run.progress} only for runs that are not final (a snapshot may show any).
 *
 * @param ratePerSec records counted per second recently; null until two observations of the run exist
 * @param etaSec     seconds until the last byte is counted at that rate; null when unknown, 0 when final
 */
public record ProgressMessage(
        MessageType type,
        String runId,
        RunStatus status,
        long records,
        long stored,
        long errors,
        long bytesDone,
        long bytesTotal,
        int chunksDone,
        Integer chunksTotal,
        Double ratePerSec,
        Long etaSec,
        Instant updatedAt) {

    public ProgressMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (bytesDone < 0 || bytesDone > bytesTotal) {
            throw new IllegalArgumentException("run " + runId + ": bytesDone " + bytesDone + " outside [0, "
                    + bytesTotal + "]");
        }
        if (type == MessageType.FINISHED && !status.isFinal() || type == MessageType.PROGRESS && status.isFinal()
                || type == MessageType.REVIEW && status != RunStatus.REVIEW) {
            throw new IllegalArgumentException("run " + runId + ": " + type.wireName() + " with status " + status);
        }
        if (ratePerSec != null && (ratePerSec.isNaN() || ratePerSec < 0) || etaSec != null && etaSec < 0) {
            throw new IllegalArgumentException("run " + runId + ": rate and ETA cannot be negative");
        }
    }

    public static ProgressMessage of(MessageType type, RunProgress progress, Estimate estimate) {
        long total = Math.max(progress.bytesTotal(), 0);
        return new ProgressMessage(type, progress.runId(), progress.status(), progress.records(), progress.stored(),
                progress.errors(), Math.min(progress.bytesDone(), total), total, progress.chunksDone(),
                progress.chunksTotal(), estimate.ratePerSec(), progress.isFinal() ? Long.valueOf(0) : estimate.etaSec(),
                progress.updatedAt());
    }
}
