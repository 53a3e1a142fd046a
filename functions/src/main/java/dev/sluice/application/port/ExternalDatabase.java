package dev.sluice.application.port;

import dev.sluice.domain.destination.ConnectionProblem;
import dev.sluice.domain.destination.DestinationKind;
import dev.sluice.domain.destination.LoadStrategy;
import dev.sluice.domain.destination.SslMode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A destination's database: checked, introspected, and delivered to. */
public interface ExternalDatabase {

    /** Empty when the target can be delivered to (reachable, signed in, table there, privileges granted). */
    Optional<Failure> test(Target target);

    List<String> schemas(Target target);

    List<String> tables(Target target, String schema);

    List<Column> columns(Target target, String schema, String table);

    /**
     * Delivers the rows in one target transaction together with the marker row (run, destination) in
     * {@code sluice_deliveries} of the target schema: a delivery whose marker is there already commits nothing more.
     *
     * @throws Failure when the target cannot be reached or refuses the rows (nothing of this attempt is kept)
     */
    Outcome deliver(Target target, String runId, PublishedRows.RowStream rows);

    /** What a delivery did: {@code rows} written now, or (already = true) the rows an earlier attempt committed. */
    record Outcome(long rows, boolean already) {
    }

    /** A column of a target table. */
    record Column(String name, String type, boolean nullable) {
    }

    /**
     * Where to connect and what to write. {@link #toString} leaves the password out, so a target logged by mistake
     * shows none.
     *
     * @param columns the target columns, in the order each row's values come
     */
    record Target(String destinationId, DestinationKind kind, String host, int port, String database, String user,
            String password, SslMode sslMode, String schema, String table, List<String> columns,
            LoadStrategy strategy, List<String> key) {
        public Target {
            Objects.requireNonNull(kind, "kind");
            columns = List.copyOf(columns);
            key = List.copyOf(key);
        }

        @Override
        public String toString() {
            return "Target[" + kind.wireName() + " " + user + "@" + host + ":" + port + "/" + database + " "
                    + schema + "." + table + ", password hidden]";
        }
    }

    /** A problem the user can act on; the message is safe to show (no password, no driver text quoting it). */
    final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final ConnectionProblem problem;

        public Failure(ConnectionProblem problem, String message) {
            super(message);
            this.problem = problem;
        }

        public ConnectionProblem problem() {
            return problem;
        }
    }
}
