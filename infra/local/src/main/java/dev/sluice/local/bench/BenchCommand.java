package dev.sluice.local.bench;

import dev.sluice.local.cli.HelpOption;
import dev.sluice.local.cli.Pairs;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench [--records N] [--runs N] [--json]}: see {@link Benchmark}. */
@Command(name = "bench", sortOptions = false, abbreviateSynopsis = true,
        description = "measure raw COPY, Sluice end to end, row-by-row INSERTs and the splitter scan in one run; "
                + "with --analytics-rows, analytics latency over a large dataset")
public final class BenchCommand implements Callable<Integer> {
    /** On the 2-core reference machine, 2 loaders beat 3, 4 and 8 (the CPU is shared with PostgreSQL). */
    private static final int DEFAULT_LOADERS = 2;
    /** One end-to-end run on 2 cores varies by about 10 %; the median of 3 is steadier and still quick. */
    private static final int DEFAULT_RUNS = 3;

    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @Option(names = "--records", paramLabel = "N", description = "records in the generated file (default 1000000)")
    long records = 1_000_000L;

    @Option(names = "--runs", paramLabel = "N",
            description = "measured end-to-end imports; the median run is reported (default 3)")
    int runs = DEFAULT_RUNS;

    @Option(names = "--row-by-row-rows", paramLabel = "N",
            description = "rows for the row-by-row INSERT baseline (default 20000)")
    int rowByRowRows = 20_000;

    @Option(names = "--param", paramLabel = "Name=Value", split = ",",
            description = "template parameter override (repeatable), e.g. --param ChunkBytes=4194304")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = "--max-concurrency", paramLabel = "N",
            description = "pollers per event source, i.e. parallel loaders (default 2: measured best on 2 cores)")
    int maxConcurrency = DEFAULT_LOADERS;

    @Option(names = "--analytics-rows", paramLabel = "N",
            description = "also measure analytics latency over a dataset of N rows (e.g. 10000000; default 0: skip)")
    long analyticsRows;

    @Option(names = "--analytics-requests", paramLabel = "N",
            description = "timed analytics requests per figure (default 30)")
    int analyticsRequests = 30;

    @Option(names = "--analytics-only", description = "measure only analytics (with --analytics-rows), no imports")
    boolean analyticsOnly;

    @Option(names = "--json", description = "print all figures as one JSON object on the last line")
    boolean json;

    @Mixin
    HelpOption help;

    public BenchCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (records < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--records must be at least 1");
        }
        if (runs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 1");
        }
        if (maxConcurrency < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-concurrency must be at least 1");
        }
        if (analyticsRows < 0 || analyticsRequests < 1 || analyticsOnly && analyticsRows < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--analytics-rows must be at least 1 with "
                    + "--analytics-only (and never negative), --analytics-requests at least 1");
        }
        Map<String, String> overrides = Pairs.of(spec, "--param", parameters);
        System.setProperty("sluice.logDir", Files.createTempDirectory("sluice-bench-logs").toString());
        Benchmark.Options options = new Benchmark.Options(records, runs, rowByRowRows, overrides, maxConcurrency,
                json);
        if (!analyticsOnly) {
            new Benchmark(options, out).run();
        }
        if (analyticsRows > 0) {
            new AnalyticsBenchmark(analyticsRows, analyticsRequests, json, out).run();
        }
        return 0;
    }
}
