package dev.sluice.application.admin;

import dev.sluice.application.health.CheckHealth;

/**
 * The operations routes' use cases: the administrators' run listing, and the public health check and statistics.
 */
public record Operations(AdminRuns adminRuns, RunStatistics statistics, CheckHealth health) {
}
