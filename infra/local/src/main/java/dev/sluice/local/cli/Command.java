package dev.sluice.local.cli;

import java.util.List;

/** A subcommand of {@code java -jar sluice-local.jar}. */
public interface Command {
    /** One line for the command list. */
    String summary();

    /** Options, one per line. */
    String usage();

    /** Runs the command; the return value is the process exit code. */
    int run(List<String> arguments) throws Exception;
}
