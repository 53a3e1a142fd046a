package dev.sluice.adapter.out.postgres;

import static dev.sluice.adapter.out.postgres.Statements.analyzeIfLarge;
import static dev.sluice.adapter.out.postgres.Statements.count;
import static dev.sluice.adapter.out.postgres.Statements.execute;
import static dev.sluice.adapter.out.postgres.Statements.executeCount;
import static dev.sluice.adapter.out.postgres.Statements.exists;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sluice.application.port.RunPublisher;
import dev.sluice.domain.run.PublishCounts;
import dev.sluice.domain.dataset.PublishedRow;
import dev.sluice.domain.run.ReviewReport;
import dev.sluice.domain.run.ReviewReport.Change;
import dev.sluice.domain.run.ReviewReport.Conflict;
import dev.sluice.domain.run.RollbackReport;
import dev.sluice.domain.run.RollbackReport.KeyConflict;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.PublishStrategy;
import dev.sluice.domain.mapping.CanonicalField;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Publishes runs into dataset_rows and dataset_rollups (V3) with the publish ledger (V4). Every publish and rollback
 * is one transaction that first takes a transaction-scoped advisory lock on the dataset id, so two runs of one
 * dataset change its rows one after the other (each sees what the other committed), and then inserts or updates
 * the run's ledger row: a repeated call finds the row, stages nothing (every record of the run is covered by it)
 * and changes nothing. A run redriven after it published publishes again as a later generation of the same row
 * (V10): only its records outside the row's covered record numbers. All work is set-based: the run's records are
 * staged once in a temporary table, classified against the current rows with one join, and applied with a few
 * UPDATE/INSERT statements. A record equal to its key's current row writes no version but a claim on the key
 * (dataset_claims, V12), which a rollback of the row's run honours.
 */
public final class PostgresPublisher implements RunPublisher {
    /** Rollback conflicts kept on the ledger row and shown by the API; the count of all is in the report. */
    static final int MAX_CONFLICTS = 1000;
    /** dataset_rows' value columns (V3), in its order. */
    static final String VALUE_COLUMNS =
            "date, campaign, channel, spend, clicks, conversions, impressions, extra, data";
    /**
     * The record numbers staged in publish_changes as a multirange of runs of consecutive numbers (a run with few
     * rejected records is a handful of ranges), '{}' when none.
     */
    private static final String STAGED_RECORDS = "SELECT coalesce(range_agg(int8range(lo, hi + 1)), '{}') FROM ("
            + "SELECT min(n) AS lo, max(n) AS hi FROM (SELECT n, n - row_number() OVER (ORDER BY n) AS island "
            + "FROM publish_changes, unnest(record_nos) AS n) numbered GROUP BY island) islands";

    private final ConnectionPool pool;
    private final ObjectMapper json = new ObjectMapper();

    public PostgresPublisher(ConnectionPool pool) {
        this.pool = pool;
    }

    /**
     * Publishes the run's records that no earlier generation of it took (all of them the first time). The ledger row
     * is read under the dataset lock: a run rolled back publishes nothing, and a run whose records are all covered
     * (a repeated or concurrent delivery) changes nothing. A later generation (after a redrive) uses the strategy and
     * key the run first published with, and adds its counts and records to the run's ledger row.
     */
    @Override
    public Result publish(Target target) {
        return pool.inTransaction(connection -> {
            lockDataset(connection, target.datasetId());
            Optional<Publication> earlier = read(connection, target.runId());
            if (earlier.isPresent() && earlier.get().rolledBackAt() != null) {
                return new Result(false, earlier.get());
            }
            Target publishing = target;
            if (earlier.isEmpty()) {
                try (PreparedStatement ledger = connection.prepareStatement("INSERT INTO publish_ledger "
                        + "(run_id, dataset_id, strategy, publish_key, generation) VALUES (?, ?, ?, ?, 0)")) {
                    ledger.setString(1, target.runId());
                    ledger.setString(2, target.datasetId());
                    ledger.setString(3, target.strategy().wireName());
                    ledger.setString(4, json.writeValueAsString(target.key()));
                    ledger.executeUpdate();
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            } else {
                publishing = firstPublished(connection, target);
            }
            boolean first = earlier.isEmpty();
            stage(connection, publishing, first);
            if (!first && count(connection, "SELECT count(*) FROM publish_changes") == 0) {
                return new Result(false, earlier.get());
            }
            PublishCounts counts = counts(connection, publishing, first);
            apply(connection, publishing, first, counts);
            try (PreparedStatement update = connection.prepareStatement("UPDATE publish_ledger SET "
                    + "generation = generation + 1, published_at = now(), inserted = inserted + ?, "
                    + "updated = updated + ?, unchanged = unchanged + ?, conflicting = conflicting + ?, "
                    + "removed = removed + ?, covered = covered + (" + STAGED_RECORDS + ") WHERE run_id = ?")) {
                update.setLong(1, counts.inserted());
                update.setLong(2, counts.updated());
                update.setLong(3, counts.unchanged());
                update.setLong(4, counts.conflicting());
                update.setLong(5, counts.removed());
                update.setString(6, target.runId());
                update.executeUpdate();
            }
            return new Result(true, read(connection, target.runId()).orElseThrow());
        });
    }

    /** The target as the run first published it: a later generation keeps its strategy and key. */
    private Target firstPublished(Connection connection, Target target) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT strategy, publish_key FROM publish_ledger WHERE run_id = ?")) {
            select.setString(1, target.runId());
            try (ResultSet row = select.executeQuery()) {
                row.next();
                List<String> key = new ArrayList<>();
                parse(row.getString(2)).forEach(column -> key.add(column.asText()));
                return new Target(target.runId(), target.datasetId(), target.kind(),
                        PublishStrategy.byWireName(row.getString(1)).orElseThrow(), key);
            }
        }
    }

    @Override
    public ReviewReport review(Target target, int samples) {
        return pool.withConnection(connection -> {
            connection.setAutoCommit(false);
            try {
                boolean first = read(connection, target.runId()).isEmpty();
                Target publishing = first ? target : firstPublished(connection, target);
                stage(connection, publishing, first);
                PublishCounts counts = counts(connection, publishing, first);
                ReviewReport.Samples sampled = new ReviewReport.Samples(
                        changes(connection, target.datasetId(), "inserted", samples, false),
                        changes(connection, target.datasetId(), "updated", samples, true),
                        changes(connection, target.datasetId(), "unchanged", samples, false),
                        conflicts(connection, samples),
                        first && target.strategy() == PublishStrategy.REPLACE
                                ? removals(connection, target.datasetId(), samples) : List.of());
                return new ReviewReport(target.runId(), publishing.strategy().wireName(), effectiveKey(publishing),
                        counts, sampled);
            } finally {
                // Nothing is written: the staged tables go with the transaction.
                connection.rollback();
                connection.setAutoCommit(true);
            }
        });
    }

    /** The key the rows are matched by: append (and replace without a key) use the record's own identity. */
    private static List<String> effectiveKey(Target target) {
        return keyed(target) ? target.key() : List.of("runId", "recordNo");
    }

    private static boolean keyed(Target target) {
        return target.strategy() != PublishStrategy.APPEND && !target.key().isEmpty();
    }

    /**
     * Stages the run's records that no generation of it took yet in publish_changes: one row per key (the last record
     * of the run with that key wins, {@code copies} says how many records had it), classified against the dataset's
     * current row of that key. Equality is by value (numeric 1.50 equals 1.5), so an unchanged row gets no new
     * version (publishing keeps it as the run's claim on the key). A later generation (after a redrive) publishes as
     * if its records had been in the run's first publication: a record whose key holds a later record of the same
     * run, or a row of a run first published after this run, or that such a run claims, is kept out ('kept'), and so
     * is every record once a later run replaced the dataset.
     */
    private void stage(Connection connection, Target target, boolean first) throws SQLException {
        String keyExpression = keyExpression(target);
        String uncovered = " AND NOT r.record_no <@ coalesce((SELECT covered FROM mine), '{}')";
        String source = target.kind() == DatasetKind.RAW
                ? "SELECT " + keyExpression + " AS row_key, r.record_no, NULL::date AS date, NULL::text AS campaign, "
                        + "NULL::text AS channel, NULL::numeric AS spend, NULL::bigint AS clicks, "
                        + "NULL::numeric AS conversions, NULL::bigint AS impressions, NULL::jsonb AS extra, r.data "
                        + "FROM raw_records r WHERE r.run_id = ?" + uncovered
                : "SELECT " + keyExpression + " AS row_key, r.record_no, r.date, r.campaign, r.channel, r.spend, "
                        + "r.clicks, r.conversions, r.impressions, r.extra, NULL::jsonb AS data "
                        + "FROM records r WHERE r.run_id = ?" + uncovered;
        String sql = "CREATE TEMP TABLE publish_changes ON COMMIT DROP AS "
                + "WITH mine AS (SELECT seq, covered FROM publish_ledger WHERE run_id = ?), "
                + "later AS (SELECT l.run_id, l.strategy FROM publish_ledger l JOIN mine ON l.seq > mine.seq "
                + "WHERE l.dataset_id = ? AND l.rolled_back_at IS NULL) "
                + "SELECT i.*, CASE WHEN EXISTS (SELECT 1 FROM later WHERE strategy = 'replace') THEN 'kept' "
                + "WHEN c.row_key IS NULL THEN 'inserted' "
                + "WHEN c.run_id = ? AND c.record_no > i.record_no THEN 'kept' "
                + "WHEN c.run_id IN (SELECT run_id FROM later) THEN 'kept' "
                + (first ? "" : "WHEN claimed.row_key IS NOT NULL THEN 'kept' ")
                + "WHEN (c.date, c.campaign, c.channel, c.spend, c.clicks, c.conversions, c.impressions, c.extra, "
                + "c.data) IS NOT DISTINCT FROM (i.date, i.campaign, i.channel, i.spend, i.clicks, i.conversions, "
                + "i.impressions, i.extra, i.data) THEN 'unchanged' ELSE 'updated' END AS change, "
                + "c.run_id AS current_run, c.record_no AS current_record "
                + "FROM (" + (keyed(target)
                        ? "SELECT DISTINCT ON (row_key) s.*, count(*) OVER (PARTITION BY row_key) AS copies, "
                                + "array_agg(record_no) OVER (PARTITION BY row_key ORDER BY record_no "
                                + "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS record_nos "
                                + "FROM (" + source + ") s ORDER BY row_key, record_no DESC"
                        : "SELECT s.*, 1::bigint AS copies, ARRAY[s.record_no] AS record_nos FROM (" + source
                                + ") s") + ") i "
                // Matched by record identity, a record's key is its own: no current row can hold it (the run's
                // earlier generations' records are covered, and a rolled-back run never publishes again), so
                // there is neither a duplicate to sort out nor a current row to look up in the dataset.
                + "LEFT JOIN dataset_rows c ON " + (keyed(target) ? "" : "false AND ")
                + "c.dataset_id = ? AND c.superseded_by IS NULL AND c.row_key = i.row_key"
                // The keys later runs claim. A first publication has no later runs: only a later generation looks.
                + (first ? "" : " LEFT JOIN (SELECT DISTINCT x.row_key FROM dataset_claims x "
                        + "JOIN later ON later.run_id = x.run_id) claimed ON claimed.row_key = i.row_key");
        long staged;
        try (PreparedStatement stage = connection.prepareStatement(sql)) {
            int index = 1;
            stage.setString(index++, target.runId());
            stage.setString(index++, target.datasetId());
            stage.setString(index++, target.runId());
            if (keyed(target) && target.kind() == DatasetKind.RAW) {
                for (String column : target.key()) {
                    stage.setString(index++, column);
                }
            }
            stage.setString(index++, target.runId());
            stage.setString(index, target.datasetId());
            staged = stage.executeLargeUpdate();
        }
        try (PreparedStatement index = connection.prepareStatement(
                "CREATE INDEX ON publish_changes (row_key)")) {
            index.executeUpdate();
        }
        analyzeIfLarge(connection, "publish_changes", staged);
    }

    /**
     * The row_key of a record: the key's values as a JSON array (dates ISO, decimals without trailing zeros, so
     * "1.50" and "1.5" are one key), or ["runId", recordNo] when the run is matched by record identity.
     */
    private static String keyExpression(Target target) {
        if (!keyed(target)) {
            return "jsonb_build_array(r.run_id, r.record_no)::text";
        }
        List<String> parts = new ArrayList<>();
        for (String column : target.key()) {
            if (target.kind() == DatasetKind.RAW) {
                parts.add("r.data -> ?");
            } else {
                CanonicalField field = CanonicalField.byFieldName(column).orElseThrow(
                        () -> new IllegalArgumentException("not a canonical field: " + column));
                String name = field.fieldName();
                boolean decimal = field == CanonicalField.SPEND || field == CanonicalField.CONVERSIONS;
                parts.add(decimal ? "trim_scale(r." + name + ")" : "r." + name);
            }
        }
        return "jsonb_build_array(" + String.join(", ", parts) + ")::text";
    }

    /** A later generation (not {@code first}) removes nothing: the run's first publication replaced the dataset. */
    private PublishCounts counts(Connection connection, Target target, boolean first) throws SQLException {
        long inserted;
        long updated;
        long unchanged;
        long conflicting;
        try (PreparedStatement count = connection.prepareStatement("SELECT "
                + "count(*) FILTER (WHERE change = 'inserted'), count(*) FILTER (WHERE change = 'updated'), "
                + "count(*) FILTER (WHERE change = 'unchanged'), "
                + "coalesce(sum(copies - 1), 0) + count(*) FILTER (WHERE change = 'kept') FROM publish_changes");
                ResultSet row = count.executeQuery()) {
            row.next();
            inserted = row.getLong(1);
            updated = row.getLong(2);
            unchanged = row.getLong(3);
            conflicting = row.getLong(4);
        }
        long removed = 0;
        if (first && target.strategy() == PublishStrategy.REPLACE) {
            try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM dataset_rows c "
                    + "WHERE c.dataset_id = ? AND c.superseded_by IS NULL "
                    + "AND NOT EXISTS (SELECT 1 FROM publish_changes i WHERE i.row_key = c.row_key)")) {
                count.setString(1, target.datasetId());
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    removed = row.getLong(1);
                }
            }
        }
        return new PublishCounts(inserted, updated, unchanged, conflicting, removed);
    }

    /**
     * Supersedes the current rows the run updates (and, for replace, those it does not have), inserts the run's new
     * versions, and moves the rollups by what was added minus what was superseded. The order matters: a replace
     * supersedes before the run's rows exist, so it never supersedes them. A later generation removes nothing, and
     * its rollup delta is what it staged: its new versions in, the versions they superseded (possibly the run's own
     * from an earlier generation) out.
     */
    private void apply(Connection connection, Target target, boolean first, PublishCounts counts)
            throws SQLException {
        // counts.updated() counted the same staged rows: with none (every append) the update would match nothing,
        // and PostgreSQL still took ~25 ms to find that out.
        if (counts.updated() > 0) {
            execute(connection, "UPDATE dataset_rows d SET superseded_by = ? FROM publish_changes i "
                    + "WHERE d.dataset_id = ? AND d.superseded_by IS NULL AND d.row_key = i.row_key "
                    + "AND i.change = 'updated'", target.runId(), target.datasetId());
        }
        if (first && target.strategy() == PublishStrategy.REPLACE) {
            execute(connection, "UPDATE dataset_rows d SET superseded_by = ? "
                    + "WHERE d.dataset_id = ? AND d.superseded_by IS NULL "
                    + "AND NOT EXISTS (SELECT 1 FROM publish_changes i WHERE i.row_key = d.row_key)",
                    target.runId(), target.datasetId());
        }
        execute(connection, "INSERT INTO dataset_rows (dataset_id, row_key, run_id, record_no, " + VALUE_COLUMNS
                + ") SELECT ?, row_key, ?, record_no, " + VALUE_COLUMNS + " FROM publish_changes "
                + "WHERE change IN ('inserted', 'updated')", target.datasetId(), target.runId());
        // The keys the run has with the values they hold: no version, but a claim, so that rolling back the run
        // whose row this is leaves the key to this run (see rollback). A key whose row the run wrote itself (an
        // earlier generation's) needs none.
        if (counts.unchanged() > 0) {
            execute(connection, "INSERT INTO dataset_claims (run_id, record_no, row_key) "
                    + "SELECT ?, record_no, row_key FROM publish_changes "
                    + "WHERE change = 'unchanged' AND current_run <> ?", target.runId(), target.runId());
        }
        if (target.kind() == DatasetKind.MARKETING && !first) {
            moveRollups(connection, target.datasetId(),
                    "SELECT d.date, d.channel, d.campaign, 1 AS sign, d.spend, d.clicks, d.impressions, "
                            + "d.conversions FROM publish_changes i JOIN dataset_rows d ON d.dataset_id = ? "
                            + "AND d.run_id = ? AND d.record_no = i.record_no "
                            + "WHERE i.change IN ('inserted', 'updated') "
                            + "UNION ALL SELECT d.date, d.channel, d.campaign, -1, d.spend, d.clicks, d.impressions, "
                            + "d.conversions FROM publish_changes i JOIN dataset_rows d ON d.dataset_id = ? "
                            + "AND d.run_id = i.current_run AND d.record_no = i.current_record "
                            + "WHERE i.change = 'updated'",
                    target.datasetId(), target.runId(), target.datasetId());
        } else if (target.kind() == DatasetKind.MARKETING) {
            moveRollups(connection, target.datasetId(),
                    "SELECT date, channel, campaign, 1 AS sign, spend, clicks, impressions, conversions "
                            + "FROM dataset_rows WHERE dataset_id = ? AND run_id = ? AND superseded_by IS NULL "
                            + "UNION ALL SELECT date, channel, campaign, -1, spend, clicks, impressions, conversions "
                            + "FROM dataset_rows WHERE dataset_id = ? AND superseded_by = ?",
                    target.datasetId(), target.runId(), target.datasetId(), target.runId());
        }
    }

    /**
     * Moves every rollup table ({@link RollupTables}) by a signed delta per (day, channel, campaign) and deletes the
     * groups left without rows. {@code deltaSql} selects date, channel, campaign, sign (+1/-1) and the four metrics.
     */
    private static void moveRollups(Connection connection, String datasetId, String deltaSql, String... parameters)
            throws SQLException {
        RollupTables.move(connection, datasetId, deltaSql, parameters);
    }

    /**
     * Removes the run's versions, of all its generations; the versions it superseded become current again, unless
     * their key was written again by a later run: if the run's own (latest) version was superseded by a later run,
     * or another run's version of the key is current, the older version stays superseded (now by that later run, so
     * rolling the later run back restores it) and the key is reported as a conflict when a later version is current
     * or the run's version was superseded. Versions the run superseded itself (a later generation's record of a key
     * after an earlier one's) go with the run and are neither restored nor conflicts.
     *
     * <p>A later run that published a key of this run as unchanged (a claim, V12) had the key too: the earliest such
     * run, among those published before the run that superseded this run's version if one did, takes the key over.
     * Its record becomes the key's version in place of this run's (current, or superseded by the same later run), the
     * versions this run superseded stay superseded, by that run, and the key is reported as a conflict left to it.
     * Rolling that run back later then finds its version and restores what this run had superseded, so the dataset
     * ends as it would have been without either run. The run's own claims go with it.
     */
    @Override
    public Optional<RollbackResult> rollback(String runId) {
        Optional<Publication> known = publication(runId);
        if (known.isEmpty()) {
            return Optional.empty();
        }
        String datasetId = known.get().datasetId();
        return Optional.of(pool.inTransaction(connection -> {
            lockDataset(connection, datasetId);
            Optional<Publication> current = read(connection, runId);
            if (current.isEmpty() || current.get().rolledBackAt() != null) {
                return new RollbackResult(false, current.orElse(known.get()));
            }
            boolean marketing = exists(connection, "SELECT 1 FROM dataset_rows WHERE dataset_id = ? AND run_id = ? "
                    + "AND data IS NULL LIMIT 1", datasetId, runId)
                    || exists(connection, "SELECT 1 FROM dataset_rows WHERE dataset_id = ? AND superseded_by = ? "
                            + "AND data IS NULL LIMIT 1", datasetId, runId);
            // The run's versions a later run claims, with the claim that takes each over: the earliest by seq, after
            // this run and before the run that superseded the version (a claim after that one is on its version).
            execute(connection, "CREATE TEMP TABLE rollback_heirs ON COMMIT DROP AS "
                    + "SELECT DISTINCT ON (m.row_key) m.row_key, m.superseded_by AS mine_superseded_by, "
                    + "x.run_id AS heir_run, x.record_no AS heir_record FROM publish_ledger mine "
                    + "JOIN publish_ledger heir ON heir.dataset_id = mine.dataset_id AND heir.seq > mine.seq "
                    + "JOIN dataset_claims x ON x.run_id = heir.run_id "
                    + "JOIN dataset_rows m ON m.dataset_id = mine.dataset_id AND m.run_id = mine.run_id "
                    + "AND m.row_key = x.row_key "
                    + "LEFT JOIN publish_ledger later ON later.run_id = m.superseded_by "
                    + "WHERE mine.run_id = ? AND (m.superseded_by IS NULL "
                    + "OR m.superseded_by <> m.run_id AND heir.seq < later.seq) "
                    + "ORDER BY m.row_key, heir.seq",
                    runId);
            execute(connection, "CREATE TEMP TABLE rollback_prior ON COMMIT DROP AS "
                    + "SELECT o.run_id, o.record_no, o.row_key, mine.superseded_by AS mine_superseded_by, "
                    + "cur.run_id AS current_run, h.heir_run FROM dataset_rows o "
                    + "LEFT JOIN dataset_rows mine ON mine.dataset_id = o.dataset_id AND mine.run_id = ? "
                    + "AND mine.row_key = o.row_key AND mine.superseded_by IS DISTINCT FROM ? "
                    + "LEFT JOIN dataset_rows cur ON cur.dataset_id = o.dataset_id AND cur.superseded_by IS NULL "
                    + "AND cur.row_key = o.row_key AND cur.run_id <> ? "
                    + "LEFT JOIN rollback_heirs h ON h.row_key = o.row_key "
                    + "WHERE o.dataset_id = ? AND o.superseded_by = ? AND o.run_id <> ?",
                    runId, runId, runId, datasetId, runId, runId);
            List<KeyConflict> conflicts = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT row_key, later FROM ("
                            + "SELECT m.row_key, coalesce(cur.run_id, m.superseded_by) AS later FROM dataset_rows m "
                            + "LEFT JOIN dataset_rows cur ON cur.dataset_id = m.dataset_id "
                            + "AND cur.superseded_by IS NULL AND cur.row_key = m.row_key "
                            + "WHERE m.dataset_id = ? AND m.run_id = ? AND m.superseded_by <> m.run_id "
                            + "UNION SELECT row_key, current_run FROM rollback_prior WHERE current_run IS NOT NULL "
                            + "UNION SELECT row_key, heir_run FROM rollback_heirs WHERE mine_superseded_by IS NULL) c "
                            + "ORDER BY row_key LIMIT " + MAX_CONFLICTS)) {
                select.setString(1, datasetId);
                select.setString(2, runId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        conflicts.add(new KeyConflict(rows.getString(1), rows.getString(2)));
                    }
                }
            }
            if (marketing) {
                moveRollups(connection, datasetId,
                        "SELECT date, channel, campaign, -1 AS sign, spend, clicks, impressions, conversions "
                                + "FROM dataset_rows WHERE dataset_id = ? AND run_id = ? AND superseded_by IS NULL "
                                + "UNION ALL SELECT o.date, o.channel, o.campaign, 1, o.spend, o.clicks, "
                                + "o.impressions, o.conversions FROM dataset_rows o JOIN rollback_prior p "
                                + "ON o.dataset_id = ? AND o.run_id = p.run_id AND o.record_no = p.record_no "
                                + "WHERE p.mine_superseded_by IS NULL AND p.current_run IS NULL "
                                + "AND p.heir_run IS NULL "
                                + "UNION ALL SELECT r.date, r.channel, r.campaign, 1, r.spend, r.clicks, "
                                + "r.impressions, r.conversions FROM rollback_heirs h JOIN records r "
                                + "ON r.run_id = h.heir_run AND r.record_no = h.heir_record "
                                + "WHERE h.mine_superseded_by IS NULL",
                        datasetId, runId, datasetId);
            }
            execute(connection, "UPDATE dataset_rows o SET superseded_by = coalesce(p.heir_run, "
                    + "p.mine_superseded_by, p.current_run) FROM rollback_prior p WHERE o.dataset_id = ? "
                    + "AND o.run_id = p.run_id AND o.record_no = p.record_no AND (p.heir_run IS NOT NULL "
                    + "OR p.mine_superseded_by IS NOT NULL OR p.current_run IS NOT NULL)", datasetId);
            long removed = count(connection, "SELECT count(*) FROM dataset_rows m WHERE m.dataset_id = ? "
                    + "AND m.run_id = ? AND m.superseded_by IS NULL "
                    + "AND NOT EXISTS (SELECT 1 FROM rollback_heirs h WHERE h.row_key = m.row_key)", datasetId, runId);
            execute(connection, "DELETE FROM dataset_rows WHERE dataset_id = ? AND run_id = ?", datasetId, runId);
            // After the delete: a heir's version may be current, and so was the run's version it replaces.
            execute(connection, "INSERT INTO dataset_rows (dataset_id, row_key, run_id, record_no, superseded_by, "
                    + "from_claim, " + VALUE_COLUMNS + ") SELECT ?, h.row_key, h.heir_run, h.heir_record, "
                    + "h.mine_superseded_by, true, " + StoredRecords.VALUES + " FROM rollback_heirs h "
                    + StoredRecords.joinedOn("h.heir_run", "h.heir_record"), datasetId);
            execute(connection, "DELETE FROM dataset_claims x USING rollback_heirs h "
                    + "WHERE x.run_id = h.heir_run AND x.record_no = h.heir_record");
            execute(connection, "DELETE FROM dataset_claims WHERE run_id = ?", runId);
            long restored = executeCount(connection, "UPDATE dataset_rows o SET superseded_by = NULL "
                    + "FROM rollback_prior p WHERE o.dataset_id = ? AND o.run_id = p.run_id "
                    + "AND o.record_no = p.record_no AND p.mine_superseded_by IS NULL AND p.current_run IS NULL "
                    + "AND p.heir_run IS NULL", datasetId);
            ArrayNode conflictJson = json.createArrayNode();
            conflicts.forEach(c -> conflictJson.addObject().put("key", c.key()).put("laterRunId", c.laterRunId()));
            try (PreparedStatement update = connection.prepareStatement("UPDATE publish_ledger SET "
                    + "rolled_back_at = now(), rollback_removed = ?, rollback_restored = ?, "
                    + "rollback_conflicts = ?::jsonb WHERE run_id = ?")) {
                update.setLong(1, removed);
                update.setLong(2, restored);
                update.setString(3, conflictJson.toString());
                update.setString(4, runId);
                update.executeUpdate();
            }
            return new RollbackResult(true, read(connection, runId).orElseThrow());
        }));
    }

    @Override
    public Optional<Publication> publication(String runId) {
        return pool.withConnection(connection -> read(connection, runId));
    }

    @Override
    public void deleteDataset(String datasetId) {
        pool.inTransaction(connection -> {
            lockDataset(connection, datasetId);
            execute(connection, "DELETE FROM dataset_rows WHERE dataset_id = ?", datasetId);
            execute(connection, "DELETE FROM dataset_claims WHERE run_id IN "
                    + "(SELECT run_id FROM publish_ledger WHERE dataset_id = ?)", datasetId);
            RollupTables.clear(connection, datasetId);
            execute(connection, "DELETE FROM publish_ledger WHERE dataset_id = ?", datasetId);
            return null;
        });
    }

    private Optional<Publication> read(Connection connection, String runId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT dataset_id, strategy, inserted, "
                + "updated, unchanged, conflicting, removed, published_at, rolled_back_at, rollback_removed, "
                + "rollback_restored, rollback_conflicts FROM publish_ledger WHERE run_id = ?")) {
            select.setString(1, runId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                Timestamp rolledBack = row.getTimestamp(9);
                RollbackReport rollback = null;
                if (rolledBack != null) {
                    List<KeyConflict> conflicts = new ArrayList<>();
                    for (JsonNode conflict : parse(row.getString(12))) {
                        conflicts.add(new KeyConflict(conflict.path("key").asText(),
                                conflict.path("laterRunId").asText()));
                    }
                    rollback = new RollbackReport(row.getLong(10), row.getLong(11), conflicts);
                }
                return Optional.of(new Publication(runId, row.getString(1), row.getString(2),
                        new PublishCounts(row.getLong(3), row.getLong(4), row.getLong(5), row.getLong(6),
                                row.getLong(7)),
                        row.getTimestamp(8).toInstant(), rolledBack == null ? null : rolledBack.toInstant(),
                        rollback));
            }
        }
    }

    private JsonNode parse(String text) {
        try {
            return text == null ? json.createArrayNode() : json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("publish_ledger.rollback_conflicts is not JSON", e);
        }
    }

    private List<Change> changes(Connection connection, String datasetId, String change, int limit,
            boolean withBefore) throws SQLException {
        String sql = "SELECT i.row_key, " + prefixed("i") + ", " + prefixed("c") + " FROM publish_changes i "
                + "LEFT JOIN dataset_rows c ON c.dataset_id = ? AND c.run_id = i.current_run "
                + "AND c.record_no = i.current_record WHERE i.change = ? ORDER BY i.row_key LIMIT ?";
        List<Change> found = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, datasetId);
            select.setString(2, change);
            select.setInt(3, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(new Change(rows.getString(1), withBefore ? row(rows, 11) : null, row(rows, 2)));
                }
            }
        }
        return found;
    }

    private List<Conflict> conflicts(Connection connection, int limit) throws SQLException {
        List<Conflict> found = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT row_key, record_nos "
                + "FROM publish_changes WHERE copies > 1 ORDER BY row_key LIMIT ?")) {
            select.setInt(1, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    List<Long> recordNos = new ArrayList<>();
                    for (Object recordNo : (Object[]) rows.getArray(2).getArray()) {
                        recordNos.add(((Number) recordNo).longValue());
                    }
                    found.add(new Conflict(rows.getString(1), recordNos));
                }
            }
        }
        return found;
    }

    private List<Change> removals(Connection connection, String datasetId, int limit) throws SQLException {
        List<Change> found = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT c.row_key, " + prefixed("c")
                + " FROM dataset_rows c WHERE c.dataset_id = ? AND c.superseded_by IS NULL "
                + "AND NOT EXISTS (SELECT 1 FROM publish_changes i WHERE i.row_key = c.row_key) "
                + "ORDER BY c.row_key LIMIT ?")) {
            select.setString(1, datasetId);
            select.setInt(2, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(new Change(rows.getString(1), row(rows, 2), null));
                }
            }
        }
        return found;
    }

    private static String prefixed(String alias) {
        return alias + ".date, " + alias + ".campaign, " + alias + ".channel, " + alias + ".spend, " + alias
                + ".clicks, " + alias + ".impressions, " + alias + ".conversions, " + alias + ".extra::text, "
                + alias + ".data::text";
    }

    private static PublishedRow row(ResultSet rows, int from) throws SQLException {
        java.sql.Date date = rows.getDate(from);
        long clicks = rows.getLong(from + 4);
        boolean noClicks = rows.wasNull();
        long impressions = rows.getLong(from + 5);
        boolean noImpressions = rows.wasNull();
        String extra = rows.getString(from + 7);
        String data = rows.getString(from + 8);
        if (date == null && data == null) {
            return null;
        }
        return new PublishedRow(date == null ? null : date.toLocalDate(), rows.getString(from + 1),
                rows.getString(from + 2), rows.getBigDecimal(from + 3), noClicks ? null : clicks,
                noImpressions ? null : impressions, rows.getBigDecimal(from + 6), extra, data);
    }

    private static void lockDataset(Connection connection, String datasetId) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            lock.setString(1, "dataset:" + datasetId);
            lock.executeQuery().close();
        }
    }
}
