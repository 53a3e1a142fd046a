package dev.sluice.local.bench;

import static dev.sluice.local.bench.Measure.JSON;
import static dev.sluice.local.bench.Measure.round;
import static dev.sluice.local.bench.Measure.seconds;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Publish time of a loaded run as a ratio to the raw COPY ceiling of the same records: the hook for the publish
 * engine. The bench hands it a run it imported (records loaded) and the raw COPY seconds of the same file; a
 * {@link RunPublisher} publishes that run into its dataset in one call, timed here. Without a publisher (a build
 * without the publish engine) the figure is reported as not measured.
 */
final class PublishScenario {
    /** Publishes one loaded run into its dataset, returning when the publish transaction has committed. */
    @FunctionalInterface
    interface RunPublisher {
        void publish(String runId) throws Exception;
    }

    private final RunPublisher publisher;

    /** @param publisher null when this build has no publish engine */
    PublishScenario(RunPublisher publisher) {
        this.publisher = publisher;
    }

    ObjectNode measure(String runId, long records, double rawCopySeconds) throws Exception {
        ObjectNode result = JSON.createObjectNode();
        result.put("records", records);
        if (publisher == null) {
            result.put("measured", false);
            result.put("reason", "no publish engine in this build");
            return result;
        }
        long started = System.nanoTime();
        publisher.publish(runId);
        double took = seconds(started);
        result.put("measured", true);
        result.put("seconds", round(took, 3));
        result.put("recordsPerSecond", Math.round(records / took));
        result.put("rawCopySeconds", round(rawCopySeconds, 3));
        result.put("publishOverCopy", round(took / rawCopySeconds, 3));
        return result;
    }
}
