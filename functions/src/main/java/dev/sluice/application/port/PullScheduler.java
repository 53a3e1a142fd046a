package dev.sluice.application.port;

import dev.sluice.domain.source.Source;

/**
 * Fires a source's scheduled pulls: one EventBridge Scheduler schedule per source on AWS (target PullFunction with
 * {@code {"sourceId"}}), the local runtime's timer locally.
 */
public interface PullScheduler {
    /** Nothing is scheduled (tests; a runtime without schedules). */
    PullScheduler NONE = new PullScheduler() {
        @Override
        public void put(Source source) {
        }

        @Override
        public void remove(String sourceId) {
        }
    };

    /** Creates or replaces the source's schedule; a source without a schedule, or disabled, has none. */
    void put(Source source);

    /** Removes the source's schedule; none is no error. */
    void remove(String sourceId);
}
