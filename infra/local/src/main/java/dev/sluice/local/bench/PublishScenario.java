package dev.sluice.local.bench;

import static dev.sluice.local.bench.Measure.JSON;
import static dev.sluice.local.bench.Measure.connect;
import static dev.sluice.local.bench.Measure.round;
import static dev.sluice.local.bench.Measure.say;
import static dev.sluice.local.bench.Measure.seconds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.out.postgres.ConnectionPool;
import dev.sluice.adapter.out.postgres.PostgresPublisher;
import dev.sluice.application.port.RunPublisher;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.domain.dataset.PublishStrategy;
import dev.sluice.local.LocalSluice;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * Publish time of a loaded run as a ratio to the raw COPY ceiling of the same records. The measured imports' records
 * are gone by now (every phase starts from empty tables), so the file's valid records, in the table's shape, are
 * COPY'd into a staging table once and inserted under a new run id for each strategy (not timed); then that run is
 * published into a fresh dataset by the publish engine's own PostgreSQL adapter, timed: the one transaction
 * PublishFunction runs, without the queue in front of it. Once with append (the default strategy) and once with
 * upsert by the marketing key into another fresh dataset.
 */
final class PublishScenario {
    private final LocalSluice sluice;

    PublishScenario(LocalSluice sluice) {
        this.sluice = sluice;
    }

    ObjectNode measure(BenchmarkFile.Written file, double rawCopySeconds) throws Exception {
        ObjectNode result = JSON.createObjectNode();
        result.put("rawCopySeconds", round(rawCopySeconds, 3));
        long records = stage(file);
        result.put("records", records);
        try (ConnectionPool pool = new ConnectionPool(sluice.jdbcUrl(), sluice.dbUser(), sluice.dbPassword(), 2)) {
            PostgresPublisher publisher = new PostgresPublisher(pool);
            for (PublishStrategy strategy : new PublishStrategy[] {PublishStrategy.APPEND, PublishStrategy.UPSERT}) {
                say("publish of the file's " + records + " records (" + strategy.wireName() + ") ...");
                String copy = copyRun(strategy.wireName());
                long started = System.nanoTime();
                RunPublisher.Result published = publisher.publish(new RunPublisher.Target(copy,
                        "bench-" + copy, DatasetKind.MARKETING, strategy, PublishSettings.MARKETING_KEY));
                double took = seconds(started);
                ObjectNode figures = result.putObject(strategy.wireName());
                figures.put("seconds", round(took, 3));
                figures.put("recordsPerSecond", Math.round(records / took));
                figures.put("publishOverCopy", round(took / rawCopySeconds, 3));
                figures.put("inserted", published.publication().counts().inserted());
                figures.put("conflicting", published.publication().counts().conflicting());
            }
        } finally {
            try (Connection connection = connect(sluice); Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE IF EXISTS bench_publish_source");
            }
        }
        return result;
    }

    /** The file's valid records in the records table's shape, in a staging table; returns how many. */
    private long stage(BenchmarkFile.Written file) throws Exception {
        try (Connection connection = connect(sluice); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS bench_publish_source");
            statement.execute("CREATE TABLE bench_publish_source (LIKE records)");
            try (Reader reader = Files.newBufferedReader(file.copyCsv(), StandardCharsets.UTF_8)) {
                return connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bench_publish_source ("
                        + BenchmarkFile.COPY_COLUMNS + ") FROM STDIN (FORMAT csv)", reader, 1 << 16);
            }
        }
    }

    /** The staged records under a new run id in a dataset of their own; returns the new id. */
    private String copyRun(String suffix) throws Exception {
        String copy = "bench-publish-" + suffix + "-" + System.nanoTime();
        try (Connection connection = connect(sluice);
                PreparedStatement insert = connection.prepareStatement("INSERT INTO records (run_id, record_no, "
                        + "line_no, dataset_id, date, campaign, channel, spend, clicks, conversions, impressions, "
                        + "extra) SELECT ?, record_no, line_no, ?, date, campaign, channel, spend, clicks, "
                        + "conversions, impressions, extra FROM bench_publish_source")) {
            insert.setString(1, copy);
            insert.setString(2, "bench-" + copy);
            insert.executeUpdate();
        }
        return copy;
    }
}
