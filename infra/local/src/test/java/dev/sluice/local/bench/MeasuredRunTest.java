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
    void theMedianOfAnEvenNumberOfRunsIsTheSlowerMiddleOne() {
        assertEquals(140_000, MeasuredRun.median(runs(150_000, 140_000)).recordsPerSecond());
        assertEquals(150_000, MeasuredRun.median(runs(170_000, 140_000, 150_000, 160_000)).recordsPerSecond());
    }

    @Test
    void oneRunIsItsOwnMedian() {
        assertEquals(150_000, MeasuredRun.median(runs(150_000)).recordsPerSecond());
    }

    private static List<MeasuredRun> runs(long... recordsPerSecond) {
        CpuMeter.Usage cpu = new CpuMeter.Usage(1, 1, OptionalDouble.empty(), OptionalDouble.empty(), 2);
        return Arrays.stream(recordsPerSecond)
                .mapToObj(rate -> new MeasuredRun(JSON.createObjectNode().put("recordsPerSecond", rate), cpu, 0, 0))
                .toList();
    }
}
