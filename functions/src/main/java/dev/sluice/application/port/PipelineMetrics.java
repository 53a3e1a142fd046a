package dev.sluice.application.port;

import dev.sluice.domain.run.RunStatus;

/**
 * The operational metrics of the pipeline (the CloudWatch dashboard charts them). Each method is called once per
 * real event: the use cases call it only on the transition that happened now (a split that started, a chunk
 * counted now, a run that finished now), so a repeated delivery adds nothing.
 */
public interface PipelineMetrics {
    /** A run's split started (its first notification, not a repeat). */
    void runStarted();

    /** A run reached a final status now. */
    void runFinished(RunStatus status);

    /** A chunk was counted into its run now: its stored records and its rejected ones (row errors). */
    void chunkCounted(long stored, long rejected);

    /** A chunk's records were written now (not found in the ledger), taking {@code millis} end to end. */
    void chunkWritten(long millis);

    /** Emits nothing; for runtimes that chart nothing (the local runtime). */
    static PipelineMetrics none() {
        return new PipelineMetrics() {
            @Override
            public void runStarted() {
            }

            @Override
            public void runFinished(RunStatus status) {
            }

            @Override
            public void chunkCounted(long stored, long rejected) {
            }

            @Override
            public void chunkWritten(long millis) {
            }
        };
    }
}
