package dev.sluice.local.cli;

import dev.sluice.local.LocalOptions;
import dev.sluice.local.Directories;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.fault.FaultSpec;
import dev.sluice.local.soak.Soak;
import dev.sluice.local.soak.SoakReport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code soak}: starts a fresh local stack with the chosen faults, drops a burst of small partner files and one large
 * file, and checks that every record landed exactly once ({@link Soak}). Exit code 0 when every run is final with
 * nothing lost or doubled, 1 otherwise.
 */
@Command(name = "soak", sortOptions = false, abbreviateSynopsis = true,
        description = "drop N small files and one large file at once, with faults; verify every record landed once")
public final class SoakCommand implements Callable<Integer> {
    /**
     * Short enough that a delivery cut short by a fault comes back within seconds, long enough (with 2 loaders) that
     * a healthy 50,000-record chunk is not delivered twice on a busy 2-core machine.
     */
    static final Map<String, String> DEFAULT_PARAMETERS = Map.of("ChunkVisibilityTimeout", "20",
            "IngestVisibilityTimeout", "30");

    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @Option(names = "--small-files", paramLabel = "N", description = "small files dropped at once (default 200)")
    int smallFiles = 200;

    @Option(names = "--small-records", paramLabel = "N", description = "records per small file (default 1000)")
    int smallRecords = 1_000;

    @Option(names = "--large-records", paramLabel = "M",
            description = "records of the one large file (default 200000; 0 = none)")
    long largeRecords = 200_000;

    @Option(names = "--poison-share", paramLabel = "P",
            description = "share of small files with a poison chunk (0..1; enables fault poison; default 0)")
    double poisonShare;

    @Option(names = "--faults", paramLabel = "LIST", split = ",",
            description = {"faults, comma-separated NAME[:ARG]: duplicate[:COPIES], die-after-commit[:SHARE],",
                "slow-loader[:SECONDS], db-outage[:SECONDS], dynamodb-throttle[:ATTEMPTS], poison"})
    List<String> faults = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "S",
            description = "give up waiting for the runs after S s (default 1800)")
    int timeoutSeconds = 1_800;

    @Option(names = "--param", paramLabel = "Name=Value", split = ",",
            description = {"template parameter override (repeatable); the soak sets ChunkVisibilityTimeout=20 and",
                "IngestVisibilityTimeout=30 unless given"})
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = "--max-concurrency", paramLabel = "N", description = "parallel loaders (default 2)")
    int maxConcurrency = 2;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "state directory (default: a new temporary one)")
    Path dataDir;

    @Option(names = "--json", description = "print the figures as one JSON object on the last line")
    boolean json;

    @Mixin
    HelpOption help;

    public SoakCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        Soak.Options options;
        try {
            options = new Soak.Options(smallFiles, smallRecords, largeRecords, poisonShare,
                    Duration.ofSeconds(StackOptions.inRange(spec, "--timeout", timeoutSeconds, 1, 86_400)));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<FaultSpec> chosen;
        try {
            chosen = Soak.faults(String.join(",", faults));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--faults: " + e.getMessage());
        }
        if (poisonShare > 0 && chosen.stream().noneMatch(f -> f.kind() == FaultSpec.Kind.POISON)) {
            chosen = new ArrayList<>(chosen);
            chosen.add(FaultSpec.of(FaultSpec.Kind.POISON));
        }
        Map<String, String> overrides = new LinkedHashMap<>(DEFAULT_PARAMETERS);
        overrides.putAll(Pairs.of(spec, "--param", parameters));
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("sluice-soak-");
        StackOptions.configureLogging(dir);
        LocalOptions.Builder builder = LocalOptions.builder().port(0).dataDir(dir).parameters(overrides)
                .maxConcurrency(StackOptions.inRange(spec, "--max-concurrency", maxConcurrency, 1, 64))
                .faultInjection(true);
        chosen.forEach(builder::fault);
        SoakReport report;
        try (LocalSluice sluice = LocalSluice.start(builder.build())) {
            out.println("soak: " + smallFiles + " small files of " + smallRecords + " records + " + largeRecords
                    + " records in one file; faults " + (chosen.isEmpty() ? "none" : chosen) + "; data in " + dir);
            report = Soak.run(sluice, options, line -> out.println("  " + line));
            report.lines().forEach(out::println);
        }
        // A soak's own directory holds every file and table of the burst (14 GB for a 10M-record file): gone once
        // it passed, kept for a look when it did not. One given with --data-dir is the caller's to keep.
        if (dataDir == null) {
            if (report.exactlyOnce()) {
                Directories.deleteTree(dir);
                out.println("data         " + dir + " removed (the soak passed; --data-dir keeps one)");
            } else {
                out.println("data         " + dir + " kept to look into (its logs are under logs/)");
            }
        }
        if (json) {
            out.println(report.json());
        }
        return report.exactlyOnce() ? 0 : 1;
    }
}
