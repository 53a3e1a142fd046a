package dev.sluice.local.bench;

import dev.sluice.local.cli.Args;
import dev.sluice.local.cli.Command;
import dev.sluice.local.cli.Args.UsageException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code bench [--records N] [--runs N] [--json]}: see {@link Benchmark}. */
public final class BenchCommand implements Command {
    /** On the 2-core reference machine, 2 loaders beat 3, 4 and 8 (the CPU is shared with PostgreSQL). */
    private static final int DEFAULT_LOADERS = 2;
    /** One end-to-end run on 2 cores varies by about 10 %; the median of 3 is steadier and still quick. */
    private static final int DEFAULT_RUNS = 3;

    private final PrintStream out;

    public BenchCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public String summary() {
        return "measure raw COPY, Sluice end to end, row-by-row INSERTs and the splitter scan in one run";
    }

    @Override
    public String usage() {
        return """
                bench [--records N] [--runs N] [--json] [options]
                  --records N            records in the generated file (default 1000000)
                  --runs N               measured end-to-end imports; the median run is reported (default 3)
                  --row-by-row-rows N    rows for the row-by-row INSERT baseline (default 20000)
                  --param Name=Value     template parameter override, e.g. --param ChunkBytes=4194304
                  --max-concurrency N    pollers per event source, i.e. parallel loaders (default 2: measured best on 2 cores)
                  --json                 print all figures as one JSON object on the last line
                """;
    }

    @Override
    public int run(List<String> arguments) throws Exception {
        Args args = Args.parse(arguments, Set.of("json"));
        long records = args.option("records").map(Long::parseLong).orElse(1_000_000L);
        if (records < 1) {
            throw new UsageException("--records must be at least 1");
        }
        int runs = args.integer("runs").orElse(DEFAULT_RUNS);
        if (runs < 1) {
            throw new UsageException("--runs must be at least 1");
        }
        Map<String, String> parameters = new LinkedHashMap<>(args.pairs("param"));
        System.setProperty("sluice.logDir", Files.createTempDirectory("sluice-bench-logs").toString());
        Benchmark.Options options = new Benchmark.Options(records, runs, args.integer("row-by-row-rows").orElse(20_000),
                parameters, args.integer("max-concurrency").orElse(DEFAULT_LOADERS), args.flag("json"));
        new Benchmark(options, out).run();
        return 0;
    }
}
