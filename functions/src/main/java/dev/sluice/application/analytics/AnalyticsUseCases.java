package dev.sluice.application.analytics;

/**
 * What the API's dataset-data routes call (one component in the API wiring): the current rows and their download,
 * analytics and spend anomalies over the rollups, and the comparison of two runs.
 */
public record AnalyticsUseCases(DatasetRowQueries rows, DatasetAnalytics analytics, CompareRuns compare) {
}
