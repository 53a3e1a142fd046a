package dev.sluice.local.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Command-line arguments: {@code --name value}, {@code --name=value}, boolean {@code --flag}s (declared by
 * the command) and positional arguments. Options may repeat ({@code --param A=1 --param B=2}).
 */
public final class Args {
    private final Map<String, List<String>> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() {
    }

    public static Args parse(List<String> arguments, Set<String> flags) {
        Args args = new Args();
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (argument.equals("--")) {
                args.positional.addAll(arguments.subList(i + 1, arguments.size()));
                break;
            }
            if (!argument.startsWith("--") || argument.length() == 2) {
                args.positional.add(argument);
                continue;
            }
            String name = argument.substring(2);
            String value;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (flags.contains(name)) {
                value = "true";
            } else if (i + 1 < arguments.size()) {
                value = arguments.get(++i);
            } else {
                throw new UsageException("--" + name + " needs a value");
            }
            args.options.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return args;
    }

    public Optional<String> option(String name) {
        List<String> values = options.get(name);
        return values == null ? Optional.empty() : Optional.of(values.getLast());
    }

    public List<String> options(String name) {
        return options.getOrDefault(name, List.of());
    }

    public boolean flag(String name) {
        return option(name).map(Boolean::parseBoolean).orElse(false);
    }

    public Optional<Integer> integer(String name) {
        return option(name).map(value -> {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " must be a whole number, was '" + value + "'");
            }
        });
    }

    /** {@code --param A=1 --param B=2} as a map; also accepts {@code A=1,B=2}. */
    public Map<String, String> pairs(String name) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String value : options(name)) {
            for (String pair : value.split(",")) {
                int equals = pair.indexOf('=');
                if (equals <= 0) {
                    throw new UsageException("--" + name + " takes Name=Value, got '" + pair + "'");
                }
                pairs.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
            }
        }
        return pairs;
    }

    public List<String> positional() {
        return positional;
    }

    public Set<String> names() {
        return options.keySet();
    }

    /** Wrong command-line usage: printed with the command's usage, exit code 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
