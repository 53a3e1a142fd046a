package dev.sluice.local;

import dev.sluice.local.bench.BenchCommand;
import dev.sluice.local.cli.HelpOption;
import dev.sluice.local.cli.IngestCommand;
import dev.sluice.local.cli.MigrateCommand;
import dev.sluice.local.cli.ServeCommand;
import dev.sluice.local.cli.SoakCommand;
import dev.sluice.local.emulator.EmulatorMissingException;
import dev.sluice.local.gateway.PortInUseException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar infra/local/target/sluice-local.jar COMMAND [options]}. A thin shell over {@link LocalSluice}:
 * each subcommand is a picocli command whose options, help and usage errors picocli derives from its fields.
 */
public final class SluiceLocal {
    /** Exit code when a command could not run at all (bad usage, missing file, unreachable API). */
    public static final int CANNOT_RUN = 2;
    private static final String NAME = "java -jar sluice-local.jar";

    private SluiceLocal() {
    }

    /** The top level: without a command it lists them (to stderr) and exits {@value #CANNOT_RUN}. */
    @Command(name = NAME, synopsisSubcommandLabel = "COMMAND",
            description = "Sluice on one machine: the functions of template.yaml against local S3, SQS, DynamoDB and"
                    + " PostgreSQL.",
            footer = {"", "'" + NAME + " COMMAND --help' shows a command's options."})
    static final class TopLevel implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        HelpOption help;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return CANNOT_RUN;
        }
    }

    /** The command line with every subcommand, printing to {@code out} and {@code err}. */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine commandLine = new CommandLine(new TopLevel())
                .addSubcommand("serve", new ServeCommand(out))
                .addSubcommand("ingest", new IngestCommand(out, err))
                .addSubcommand("bench", new BenchCommand(out))
                .addSubcommand("migrate", new MigrateCommand(out))
                .addSubcommand("soak", new SoakCommand(out))
                .addSubcommand("help", new CommandLine.HelpCommand());
        // As before picocli: a repeated option takes its last value.
        commandLine.setOverwrittenOptionsAllowed(true);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setParameterExceptionHandler(SluiceLocal::usageError);
        commandLine.setExecutionExceptionHandler((e, command, parseResult) -> cannotRun(e, err));
        return commandLine;
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-sluice-local.xml");
        }
        return commandLine(out, err).execute(argv);
    }

    /** The reason (which names the option), a suggestion for a misspelling, and where the options are listed. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        // picocli's map-option message says "option option"
        err.println("error: " + e.getMessage().replace("option option", "option"));
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.print("usage: " + command.getHelp().synopsis(0));
        err.println("'" + command.getCommandSpec().qualifiedName() + " --help' lists every option.");
        err.flush();
        return CANNOT_RUN;
    }

    /** One line a person can act on: no stack trace, no exception class. */
    private static int cannotRun(Exception e, PrintStream err) {
        if (e instanceof EmulatorMissingException || e instanceof PortInUseException
                || e instanceof DataDirInUseException) {
            // Says what to install, which port is taken or which directory is held, and nothing else.
            err.println(e.getMessage());
        } else {
            err.println("error: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
        err.flush();
        return CANNOT_RUN;
    }
}
