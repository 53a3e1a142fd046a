package dev.sluice.local.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class MeasuredRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theMedianOfAnOddNumberOfRunsIsTheMiddleOneWhateverTheOrderTheyRanIn() {
        List<MeasuredRun> runs = runs(160_000, 140_000, 150_000);

        assertEquals(150_000, MeasuredRun.median(runs).recordsPerSecond());
    }

    @Test
    void runsAreRankedByTheirRatioToTheirOwnCeilingNotBySpeedAlone() {
        // The fastest import ran next to an even faster COPY (a quiet moment of the host): it is the lowest ratio.
        List<MeasuredRun> runs = List.of(run(180_000, 300_000), run(150_000, 200_000), run(140_000, 200_000));

        MeasuredRun median = MeasuredRun.median(runs);

        assertEquals(140_000, median.recordsPerSecond());
        assertEquals(0.7, median.overCopy(), 1e-9);
    }

    @Test
    void theMedianOfAnEvenNumberOfRunsIsTheSlowerMiddleOne() {
        assertEquals(140_000, MeasuredRun.median(runs(150_000, 140_000)).recordsPerSecond());
        assertEquals(150_000, MeasuredRun.median(runs(170_000, 140_000, 150_000, 160_000)).recordsPerSecond());
    }

    @Test
    void oneRunIsItsOwnMedian() {
        assertEquals(150_000, MeasuredRun.median(runs(150_000)).recordsPerSecond());
    }

    /** Runs with the same ceiling, so ranking by ratio is ranking by speed. */
    private static List<MeasuredRun> runs(long... recordsPerSecond) {
        return Arrays.stream(recordsPerSecond).mapToObj(rate -> run(rate, 250_000)).toList();
    }

    private static MeasuredRun run(long recordsPerSecond, long ceilingRecordsPerSecond) {
        CpuMeter.Usage cpu = new CpuMeter.Usage(1, 1, OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), 2);
        return new MeasuredRun(JSON.createObjectNode().put("recordsPerSecond", recordsPerSecond),
                JSON.createObjectNode().put("recordsPerSecond", ceilingRecordsPerSecond), cpu, 0, 0);
    }
}
