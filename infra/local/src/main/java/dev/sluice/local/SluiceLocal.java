package dev.sluice.local;

import dev.sluice.local.cli.Args;
import dev.sluice.local.bench.BenchCommand;
import dev.sluice.local.cli.Command;
import dev.sluice.local.cli.IngestCommand;
import dev.sluice.local.cli.MigrateCommand;
import dev.sluice.local.cli.ServeCommand;
import dev.sluice.local.cli.StackOptions;
import dev.sluice.local.emulator.EmulatorMissingException;
import dev.sluice.local.gateway.PortInUseException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar infra/local/target/sluice-local.jar COMMAND [options]}. A thin shell over
 * {@link LocalSluice}; each subcommand is a {@link Command} in {@link #commands}.
 */
public final class SluiceLocal {
    /** Exit code when a command could not run at all (bad usage, missing file, unreachable API). */
    public static final int CANNOT_RUN = 2;

    private SluiceLocal() {
    }

    /** The subcommands, in the order {@code help} lists them. */
    public static Map<String, Command> commands(PrintStream out, PrintStream err) {
        Map<String, Command> commands = new LinkedHashMap<>();
        commands.put("serve", new ServeCommand(out));
        commands.put("ingest", new IngestCommand(out, err));
        commands.put("bench", new BenchCommand(out));
        commands.put("migrate", new MigrateCommand(out));
        return commands;
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        List<String> arguments = Arrays.asList(argv);
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-sluice-local.xml");
        }
        Map<String, Command> commands = commands(out, err);
        if (arguments.isEmpty() || arguments.getFirst().equals("help") || arguments.getFirst().equals("--help")) {
            err.println("usage: java -jar sluice-local.jar COMMAND [options]\n");
            commands.forEach((name, command) -> err.printf("  %-8s %s%n", name, command.summary()));
            err.println("\n'java -jar sluice-local.jar COMMAND --help' shows a command's options.");
            return arguments.isEmpty() ? CANNOT_RUN : 0;
        }
        Command command = commands.get(arguments.getFirst());
        if (command == null) {
            err.println("unknown command '" + arguments.getFirst() + "'; commands: " + commands.keySet());
            return CANNOT_RUN;
        }
        List<String> rest = arguments.subList(1, arguments.size());
        if (rest.contains("--help")) {
            err.println("usage: java -jar sluice-local.jar " + command.usage());
            return 0;
        }
        try {
            StackOptions.configureLogging(Args.parse(rest, java.util.Set.of("json", "no-event-sources", "verbose")));
            return command.run(rest);
        } catch (Args.UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("usage: java -jar sluice-local.jar " + command.usage());
            return CANNOT_RUN;
        } catch (EmulatorMissingException | PortInUseException e) {
            // One line that says what to install or which port is taken, nothing else.
            err.println(e.getMessage());
            return CANNOT_RUN;
        } catch (Exception e) {
            err.println("error: " + e);
            return CANNOT_RUN;
        }
    }
}
