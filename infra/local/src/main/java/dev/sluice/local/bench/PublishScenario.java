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
import java.sql.Connection;
import java.sql.PreparedStatement;

/**
 * Publish time of a loaded run as a ratio to the raw COPY ceiling of the same records. The bench's median run is
 * already published by the pipeline (its ledger row makes a second publish a no-op), so its records are first copied
 * under a new run id (not timed), then that copy is published into a fresh dataset by the publish engine's own
 * PostgreSQL adapter, timed: the one transaction PublishFunction runs, without the queue in front of it. Once with
 * append (the default strategy) and once with upsert by the marketing key into another fresh dataset.
 */
final class PublishScenario {
    private final LocalSluice sluice;

    PublishScenario(LocalSluice sluice) {
        this.sluice = sluice;
    }

    ObjectNode measure(String runId, long records, double rawCopySeconds) throws Exception {
        ObjectNode result = JSON.createObjectNode();
        result.put("records", records);
        result.put("rawCopySeconds", round(rawCopySeconds, 3));
        try (ConnectionPool pool = new ConnectionPool(sluice.jdbcUrl(), sluice.dbUser(), sluice.dbPassword(), 2)) {
            PostgresPublisher publisher = new PostgresPublisher(pool);
            for (PublishStrategy strategy : new PublishStrategy[] {PublishStrategy.APPEND, PublishStrategy.UPSERT}) {
                say("publish of the median run's records (" + strategy.wireName() + ") ...");
                String copy = copyRun(runId, strategy.wireName());
                long started = System.nanoTime();
                RunPublisher.Result published = publisher.publish(new RunPublisher.Target(copy,
                        "bench-" + copy, DatasetKind.MARKETING, strategy, PublishSettings.MARKETING_KEY));
                double took = seconds(started);
                ObjectNode figures = result.putObject(strategy.wireName());
                figures.put("seconds", round(took, 3));
                figures.put("recordsPerSecond", Math.round(records / took));
                figures.put("publishOverCopy", round(took / rawCopySeconds, 3));
                figures.put("inserted", published.publication().counts().inserted());
            }
        }
        return result;
    }

    /** The run's records under a new run id in a dataset of their own; returns the new id. */
    private String copyRun(String runId, String suffix) throws Exception {
        String copy = "bench-publish-" + suffix + "-" + System.nanoTime();
        try (Connection connection = connect(sluice);
                PreparedStatement insert = connection.prepareStatement("INSERT INTO records (run_id, record_no, "
                        + "line_no, dataset_id, date, campaign, channel, spend, clicks, conversions, impressions, "
                        + "extra) SELECT ?, record_no, line_no, ?, date, campaign, channel, spend, clicks, "
                        + "conversions, impressions, extra FROM records WHERE run_id = ?")) {
            insert.setString(1, copy);
            insert.setString(2, "bench-" + copy);
            insert.setString(3, runId);
            insert.executeUpdate();
        }
        return copy;
    }
}
