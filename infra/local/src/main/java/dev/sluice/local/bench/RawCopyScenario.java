package dev.sluice.local.bench;

import static dev.sluice.local.bench.Measure.JSON;
import static dev.sluice.local.bench.Measure.connect;
import static dev.sluice.local.bench.Measure.round;
import static dev.sluice.local.bench.Measure.say;
import static dev.sluice.local.bench.Measure.seconds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.local.LocalSluice;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/** The ceiling: the valid records, already in the table's shape, COPY'd by one client. */
final class RawCopyScenario {
    private final LocalSluice sluice;
    private final CpuMeter cpu;

    RawCopyScenario(LocalSluice sluice, CpuMeter cpu) {
        this.sluice = sluice;
        this.cpu = cpu;
    }

    ObjectNode measure(BenchmarkFile.Written file) throws Exception {
        say("raw COPY ...");
        try (Connection connection = connect(sluice); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS bench_copy");
            statement.execute("CREATE TABLE bench_copy (LIKE records INCLUDING ALL)");
            CpuMeter.Sample before = cpu.sample();
            long started = System.nanoTime();
            long rows;
            try (Reader reader = Files.newBufferedReader(file.copyCsv(), StandardCharsets.UTF_8)) {
                rows = connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bench_copy ("
                        + BenchmarkFile.COPY_COLUMNS + ") FROM STDIN (FORMAT csv)", reader, 1 << 16);
            }
            double seconds = seconds(started);
            CpuMeter.Usage usage = cpu.between(before, cpu.sample());
            statement.execute("DROP TABLE bench_copy");
            ObjectNode node = JSON.createObjectNode();
            node.put("rows", rows);
            node.put("seconds", round(seconds, 3));
            node.put("recordsPerSecond", Math.round(rows / seconds));
            usage.postgresSeconds().ifPresent(cpuSeconds -> node.put("postgresCpuSeconds", round(cpuSeconds, 3)));
            return node;
        }
    }

    /** A slow COPY, caught by a checkpoint or a busy core, would flatter the ratio: of two, the faster counts. */
    static ObjectNode faster(ObjectNode first, ObjectNode second) {
        return first.get("seconds").asDouble() <= second.get("seconds").asDouble() ? first : second;
    }

    /**
     * Puts PostgreSQL in the same state before every measured phase: the tables a run loads are emptied (the bench
     * owns its data directory) and a checkpoint writes out what the previous phase left dirty. Otherwise a phase pays
     * for the one before it: the checkpointer and autovacuum working through a million fresh rows took a third off
     * a raw COPY started right after an import.
     */
    static void settle(LocalSluice sluice) throws SQLException {
        try (Connection connection = connect(sluice); Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE records, row_errors, chunk_ledger");
        }
        Optional<DataSource> superuser = sluice.postgresSuperuser();
        if (superuser.isPresent()) {
            try (Connection connection = superuser.get().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CHECKPOINT");
            }
        }
    }
}
