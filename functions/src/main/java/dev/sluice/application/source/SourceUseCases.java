package dev.sluice.application.source;

/**
 * What the source routes and PullFunction are built from: managing sources, pulling them (here, or for run-now from
 * the API through {@link RunNow}), and the checkpoint listener the publish engine tells when a pulled run is
 * published.
 */
public record SourceUseCases(ManageSources manage, PullSource pull, SourceCheckpoints checkpoints, RunNow runNow) {
}
