package dev.sluice.local.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code Name=Value} map options ({@code --param}, {@code --mapping}): repeatable, and one value may hold several
 * pairs separated by commas ({@code A=1,B=2}); names and values are trimmed, a later pair wins.
 */
public final class Pairs {
    private Pairs() {
    }

    /** The option's pairs, trimmed; a pair without a name is a usage error that names the option. */
    public static Map<String, String> of(CommandSpec spec, String option, Map<String, String> parsed) {
        Map<String, String> pairs = new LinkedHashMap<>();
        parsed.forEach((name, value) -> {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        option + " takes Name=Value, got '=" + value + "'");
            }
            pairs.put(trimmed, value.trim());
        });
        return pairs;
    }
}
