package dev.sluice.local.cli;

import dev.sluice.local.LocalOptions;
import dev.sluice.local.auth.UserSpec;
import dev.sluice.local.fault.FaultSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options of every command that starts the stack ({@code serve}, {@code ingest}), as a picocli mixin. */
public final class StackOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "state directory (default ./.sluice)")
    Path dataDir = Path.of(".sluice");

    @Option(names = "--jdbc-url", paramLabel = "URL",
            description = "use this PostgreSQL instead of the embedded one (with --db-user, --db-password)")
    String jdbcUrl;

    @Option(names = "--db-user", paramLabel = "U", description = "user for --jdbc-url")
    String dbUser;

    @Option(names = "--db-password", paramLabel = "P", description = "password for --jdbc-url")
    String dbPassword;

    @Option(names = "--param", paramLabel = "Name=Value", split = ",",
            description = {"template parameter override (repeatable; A=1,B=2 also works),",
                "e.g. --param ChunkBytes=1048576"})
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = "--max-concurrency", paramLabel = "N",
            description = "at most N pollers per SQS event source (caps MaximumConcurrency; default 2 when unset)")
    Integer maxConcurrency;

    @Option(names = "--visibility-timeout-override", paramLabel = "S",
            description = "every queue's VisibilityTimeout in seconds (fast redrive)")
    Integer visibilityTimeoutOverride;

    @Option(names = "--template", paramLabel = "FILE",
            description = "template.yaml (default: found from the working directory upwards)")
    Path template;

    @Option(names = "--web-dir", paramLabel = "DIR",
            description = "web app directory (default: web/ found from the working directory upwards)")
    Path webDir;

    @Option(names = "--user", paramLabel = "EMAIL:PASSWORD[:admin]",
            description = {"a sign-in user (repeatable; replaces admin@example.com and demo@example.com);",
                "ingest also signs in as the first one (else admin@example.com, or env SLUICE_TOKEN)"})
    List<String> users = new ArrayList<>();

    @Option(names = "--fault", paramLabel = "NAME[:ARG]",
            description = {"inject a fault, local only (repeatable): duplicate[:COPIES], die-after-commit[:SHARE],",
                "slow-loader[:SECONDS], db-outage[:SECONDS], dynamodb-throttle[:ATTEMPTS], poison"})
    List<String> faults = new ArrayList<>();

    @Option(names = "--no-event-sources", description = "do not invoke functions from queues")
    boolean noEventSources;

    @Option(names = "--verbose", description = "print where the start-up time went")
    boolean verbose;

    /** Who {@code ingest} signs in as: the first {@code --user}, if any. */
    Optional<String> signInUser() {
        return users.stream().findFirst();
    }

    /** The local runtime's options; a value out of range is a usage error naming its option. */
    public LocalOptions.Builder builder(int port) {
        LocalOptions.Builder builder = LocalOptions.builder()
                .port(StackOptions.inRange(mixee, "--port", port, 0, 65_535))
                .dataDir(dataDir);
        if (jdbcUrl != null) {
            builder.database(jdbcUrl, dbUser, dbPassword);
        }
        builder.parameters(parameters());
        if (maxConcurrency != null) {
            builder.maxConcurrency(inRange(mixee, "--max-concurrency", maxConcurrency, 1, Integer.MAX_VALUE));
        }
        if (visibilityTimeoutOverride != null) {
            builder.visibilityTimeoutOverride(inRange(mixee, "--visibility-timeout-override",
                    visibilityTimeoutOverride, 0, 43_200));
        }
        if (template != null) {
            builder.template(template);
        }
        if (webDir != null) {
            builder.webDir(webDir);
        }
        for (String user : users) {
            try {
                builder.user(UserSpec.parse(user));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(mixee.commandLine(), "--user: " + e.getMessage());
            }
        }
        if (noEventSources) {
            builder.eventSourcesEnabled(false);
        }
        faults().forEach(builder::fault);
        return builder;
    }

    /** {@code --fault} parsed; a malformed one is a usage error naming the known faults. */
    public List<FaultSpec> faults() {
        List<FaultSpec> parsed = new ArrayList<>();
        for (String fault : faults) {
            try {
                parsed.add(FaultSpec.parse(fault));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(mixee.commandLine(), "--fault: " + e.getMessage());
            }
        }
        return parsed;
    }

    /** {@code --param} as given, trimmed. */
    public Map<String, String> parameters() {
        return Pairs.of(mixee, "--param", parameters);
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean verbose() {
        return verbose;
    }

    /** Where function logs go, set before Log4j reads its configuration. */
    public static void configureLogging(Path dataDir) {
        System.setProperty("sluice.logDir", dataDir.toAbsolutePath().resolve("logs").toString());
    }

    static int inRange(CommandSpec spec, String option, int value, int min, int max) {
        if (value < min || value > max) {
            String range = max == Integer.MAX_VALUE ? "at least " + min : min + ".." + max;
            throw new CommandLine.ParameterException(spec.commandLine(),
                    option + " must be " + range + ", was " + value);
        }
        return value;
    }
}
