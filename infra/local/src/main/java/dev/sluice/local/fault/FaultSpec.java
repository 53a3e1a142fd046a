package dev.sluice.local.fault;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One fault for the local runtime, as written on the command line: {@code NAME[:ARGUMENT]} ({@code serve --fault
 * duplicate:3 --fault db-outage:60}). Faults exist only in the local runtime: they wrap the event source, the JDBC
 * driver and the DynamoDB emulator's proxy around unchanged functions, and nothing of them is deployed.
 */
public record FaultSpec(Kind kind, Optional<Double> argument) {

    /** The faults, their names and what their argument means. */
    public enum Kind {
        /** Each chunk message's first delivery runs COPIES times at once, and one more copy is queued after it. */
        DUPLICATE("duplicate", "COPIES", 3, 2, 20),
        /** The loader dies right after a chunk's database commit, before counting or deleting (SHARE of chunks). */
        DIE_AFTER_COMMIT("die-after-commit", "SHARE", 1, 0, 1),
        /** A chunk's commit waits SECONDS first (default: ChunkQueue's visibility timeout + 2 s). */
        SLOW_LOADER("slow-loader", "SECONDS", 0, 0, 3_600),
        /** After the next chunk commit, PostgreSQL refuses connections and drops open ones for SECONDS. */
        DB_OUTAGE("db-outage", "SECONDS", 60, 0, 3_600),
        /** The first ATTEMPTS counting writes of every chunk are throttled (the SDK makes 9 per delivery). */
        DYNAMODB_THROTTLE("dynamodb-throttle", "ATTEMPTS", 9, 1, 1_000),
        /** Every chunk of a file whose key contains "poison" fails each delivery, reaches ChunkDLQ and dies. */
        POISON("poison", null, 0, 0, 0);

        private final String cliName;
        private final String argumentName;
        private final double defaultArgument;
        private final double min;
        private final double max;

        Kind(String cliName, String argumentName, double defaultArgument, double min, double max) {
            this.cliName = cliName;
            this.argumentName = argumentName;
            this.defaultArgument = defaultArgument;
            this.min = min;
            this.max = max;
        }

        public String cliName() {
            return cliName;
        }

        /** {@code NAME[:ARGUMENT]}, for help texts. */
        public String usage() {
            return argumentName == null ? cliName : cliName + "[:" + argumentName + "]";
        }

        static Optional<Kind> named(String name) {
            return Arrays.stream(values()).filter(k -> k.cliName.equals(name)).findFirst();
        }
    }

    public FaultSpec {
        if (argument.isPresent()) {
            double value = argument.get();
            if (kind.argumentName == null) {
                throw new IllegalArgumentException("fault " + kind.cliName + " takes no argument");
            }
            if (!(value >= kind.min && value <= kind.max)) {
                throw new IllegalArgumentException("fault " + kind.usage() + ": " + kind.argumentName + " must be "
                        + number(kind.min) + ".." + number(kind.max) + ", was " + number(value));
            }
        }
    }

    public static FaultSpec of(Kind kind) {
        return new FaultSpec(kind, Optional.empty());
    }

    public static FaultSpec of(Kind kind, double argument) {
        return new FaultSpec(kind, Optional.of(argument));
    }

    /**
     * Parses {@code NAME[:ARGUMENT]}.
     *
     * @throws IllegalArgumentException naming the known faults, or the argument's range
     */
    public static FaultSpec parse(String text) {
        String trimmed = text.strip().toLowerCase(Locale.ROOT);
        int colon = trimmed.indexOf(':');
        String name = colon < 0 ? trimmed : trimmed.substring(0, colon);
        Kind kind = Kind.named(name).orElseThrow(() -> new IllegalArgumentException("unknown fault '" + name
                + "'; known: " + Arrays.stream(Kind.values()).map(Kind::usage).collect(Collectors.joining(", "))));
        if (colon < 0) {
            return of(kind);
        }
        String value = trimmed.substring(colon + 1);
        try {
            return of(kind, Double.parseDouble(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fault " + kind.usage() + ": " + value + " is not a number");
        }
    }

    /** The argument given, or the fault's default. */
    public double argumentOr(double defaultValue) {
        return argument.orElse(defaultValue);
    }

    public double argumentOrDefault() {
        return argument.orElse(kind.defaultArgument);
    }

    @Override
    public String toString() {
        return argument.map(a -> kind.cliName + ":" + number(a)).orElse(kind.cliName);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
