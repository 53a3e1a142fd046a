package dev.sluice.local.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.List;

/** One measured end-to-end import: its figures as reported, the CPU it used and its heap peaks. */
record MeasuredRun(ObjectNode endToEnd, CpuMeter.Usage cpu, long peakUsedBytes, long peakLiveBytes) {

    long recordsPerSecond() {
        return endToEnd.path("recordsPerSecond").asLong();
    }

    boolean accountedFor() {
        return endToEnd.path("accountedFor").asBoolean();
    }

    /**
     * The run with the median records/s. Of an even number of runs, the slower of the two middle ones: the reported
     * figure then errs low, never high.
     */
    static MeasuredRun median(List<MeasuredRun> runs) {
        List<MeasuredRun> slowestFirst = runs.stream()
                .sorted(Comparator.comparingLong(MeasuredRun::recordsPerSecond))
                .toList();
        return slowestFirst.get((slowestFirst.size() - 1) / 2);
    }
}
