package dev.sluice.local.cli;

import dev.sluice.local.LocalOptions;
import dev.sluice.local.auth.UserSpec;
import java.nio.file.Path;
import java.util.Set;

/** The options every command that starts the stack understands. */
public final class StackOptions {
    public static final Set<String> FLAGS = Set.of("no-event-sources", "verbose");
    public static final String USAGE = """
              --data-dir DIR                 state directory (default ./.sluice)
              --jdbc-url URL --db-user U --db-password P
                                             use this PostgreSQL instead of the embedded one
              --param Name=Value             template parameter override (repeatable), e.g. --param ChunkBytes=1048576
              --max-concurrency N            at most N pollers per SQS event source (caps MaximumConcurrency; default 2 when unset)
              --visibility-timeout-override S  every queue's VisibilityTimeout in seconds (fast redrive)
              --template FILE                template.yaml (default: found from the working directory upwards)
              --web-dir DIR                  web app directory (default: web/ found from the working directory upwards)
              --user EMAIL:PASSWORD[:admin]  a sign-in user (repeatable; replaces admin@example.com and demo@example.com)
              --no-event-sources             do not invoke functions from queues
              --verbose                      print where the start-up time went
            """;

    private StackOptions() {
    }

    public static LocalOptions.Builder builder(Args args, int defaultPort) {
        LocalOptions.Builder builder = LocalOptions.builder().port(args.integer("port").orElse(defaultPort));
        args.option("data-dir").ifPresent(dir -> builder.dataDir(Path.of(dir)));
        args.option("jdbc-url").ifPresent(url -> builder.database(url, args.option("db-user").orElse(null),
                args.option("db-password").orElse(null)));
        builder.parameters(args.pairs("param"));
        args.integer("max-concurrency").ifPresent(builder::maxConcurrency);
        args.integer("visibility-timeout-override").ifPresent(builder::visibilityTimeoutOverride);
        args.option("template").ifPresent(file -> builder.template(Path.of(file)));
        args.option("web-dir").ifPresent(dir -> builder.webDir(Path.of(dir)));
        for (String user : args.options("user")) {
            try {
                builder.user(UserSpec.parse(user));
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException(e.getMessage());
            }
        }
        if (args.flag("no-event-sources")) {
            builder.eventSourcesEnabled(false);
        }
        return builder;
    }

    /** Where function logs go, set before Log4j reads its configuration. */
    public static void configureLogging(Args args) {
        Path dataDir = Path.of(args.option("data-dir").orElse(".sluice"));
        System.setProperty("sluice.logDir", dataDir.toAbsolutePath().resolve("logs").toString());
    }
}
