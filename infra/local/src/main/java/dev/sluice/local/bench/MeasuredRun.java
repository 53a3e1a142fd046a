package dev.sluice.local.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.List;

/**
 * One measured end-to-end import: its figures as reported, its ceiling (the raw COPY measured next to it), the CPU
 * it used and its heap peaks.
 */
record MeasuredRun(ObjectNode endToEnd, ObjectNode ceiling, CpuMeter.Usage cpu, long peakUsedBytes,
        long peakLiveBytes) {

    long recordsPerSecond() {
        return endToEnd.path("recordsPerSecond").asLong();
    }

    /** End-to-end records/s over the ceiling's. */
    double overCopy() {
        return recordsPerSecond() / ceiling.path("recordsPerSecond").asDouble();
    }

    boolean accountedFor() {
        return endToEnd.path("accountedFor").asBoolean();
    }

    /**
     * The run with the median ratio to its ceiling. Of an even number of runs, the lower of the two middle ones: the
     * reported figure then errs low, never high.
     */
    static MeasuredRun median(List<MeasuredRun> runs) {
        List<MeasuredRun> lowestFirst = runs.stream()
                .sorted(Comparator.comparingDouble(MeasuredRun::overCopy))
                .toList();
        return lowestFirst.get((lowestFirst.size() - 1) / 2);
    }
}
