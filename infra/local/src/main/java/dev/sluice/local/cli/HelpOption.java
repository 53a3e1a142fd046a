package dev.sluice.local.cli;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help} on every command: picocli prints the usage generated from the options. */
public final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean requested;
}
