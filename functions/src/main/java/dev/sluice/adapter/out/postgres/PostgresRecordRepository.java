package dev.sluice.adapter.out.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.port.DeadChunkLedger;
import dev.sluice.application.port.RecordRepository;
import dev.sluice.application.port.RunDataEraser;
import dev.sluice.application.port.RecordRepository.LedgerOutcome;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.validation.RowError;
import dev.sluice.domain.validation.RowErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/** Records, row errors and the chunk ledger in PostgreSQL (Aurora on AWS). */
public final class PostgresRecordRepository implements RecordRepository, RunDataEraser, DeadChunkLedger {
    private static final String INSERT_LEDGER = "INSERT INTO chunk_ledger "
            + "(run_id, chunk_no, first_record, record_count, stored, rejected, outcome, reason) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, chunk_no) DO NOTHING";
    private static final String INSERT_ERROR = "INSERT INTO row_errors "
            + "(run_id, record_no, seq, line_no, column_name, code, message, raw_excerpt) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private final ConnectionPool pool;

    public PostgresRecordRepository(ConnectionPool pool) {
        this.pool = pool;
    }

    @Override
    public LoadResult load(ChunkMessage chunk, String datasetId, ChunkParse parse) {
        return pool.inTransaction(connection -> {
            // The ledger row goes first: a concurrent delivery of the same chunk blocks on its primary key until
            // this transaction ends, then inserts nothing, reads our entry and never parses the chunk.
            if (!insertLedger(connection, chunk, new LedgerEntry(chunk.chunkNo(), LedgerOutcome.LOADED, 0, 0), null)) {
                connection.rollback();
                return LoadResult.found(readLedger(connection, chunk.runId(), chunk.chunkNo()).orElseThrow());
            }
            CopyManager copyManager = connection.unwrap(PGConnection.class).getCopyAPI();
            CopyIn copy = copyManager.copyIn(CopyChunkBuffer.copyStatement(chunk.kind()));
            CopyChunkBuffer buffer;
            try {
                buffer = new CopyChunkBuffer(chunk.runId(), datasetId, chunk.kind(), (bytes, length) -> {
                    try {
                        copy.writeToCopy(bytes, 0, length);
                    } catch (SQLException e) {
                        throw new DatabaseException(e);
                    }
                });
                parse.parseInto(buffer);
                buffer.finish();
                copy.endCopy();
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
            insertErrors(connection, chunk.runId(), buffer.errors());
            LedgerEntry entry = new LedgerEntry(chunk.chunkNo(), LedgerOutcome.LOADED, buffer.stored(),
                    buffer.rejected());
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE chunk_ledger SET stored = ?, rejected = ? WHERE run_id = ? AND chunk_no = ?")) {
                update.setInt(1, entry.stored());
                update.setInt(2, entry.rejected());
                update.setString(3, chunk.runId());
                update.setInt(4, chunk.chunkNo());
                update.executeUpdate();
            }
            return LoadResult.loadedNow(entry);
        });
    }

    @Override
    public LedgerEntry markDead(ChunkMessage chunk, String reason) {
        return pool.inTransaction(connection -> {
            LedgerEntry entry = new LedgerEntry(chunk.chunkNo(), LedgerOutcome.DEAD, 0, chunk.recordCount());
            if (!insertLedger(connection, chunk, entry, reason)) {
                connection.rollback();
                return readLedger(connection, chunk.runId(), chunk.chunkNo()).orElseThrow();
            }
            String message = "chunk " + chunk.chunkNo() + " (records " + chunk.firstRecord() + "-"
                    + chunk.lastRecord() + ") could not be loaded: " + reason
                    + ". Redrive the run to try these records again.";
            try (PreparedStatement insert = connection.prepareStatement(INSERT_ERROR)) {
                for (long record = chunk.firstRecord(); record <= chunk.lastRecord(); record++) {
                    insert.setString(1, chunk.runId());
                    insert.setLong(2, record);
                    insert.setInt(3, 1);
                    // Only the chunk's first record has a known line; the bytes after it were never read.
                    if (record == chunk.firstRecord()) {
                        insert.setLong(4, chunk.firstLine());
                    } else {
                        insert.setNull(4, Types.BIGINT);
                    }
                    insert.setNull(5, Types.VARCHAR);
                    insert.setString(6, RowErrorCode.CHUNK_FAILED.name());
                    insert.setString(7, message);
                    insert.setNull(8, Types.VARCHAR);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return entry;
        });
    }

    /**
     * The row errors go first, found through the ledger rows that say which records the dead chunk covered; then the
     * ledger rows. One transaction: a concurrent load of the chunk waits on the ledger row's lock, then finds no row
     * and loads it; a repeat of this call finds nothing to forget.
     */
    @Override
    public int forgetDeadChunks(String runId, Collection<Integer> chunkNos) {
        if (chunkNos.isEmpty()) {
            return 0;
        }
        return pool.inTransaction(connection -> {
            Integer[] numbers = chunkNos.toArray(Integer[]::new);
            try (PreparedStatement errors = connection.prepareStatement("DELETE FROM row_errors e USING chunk_ledger l "
                    + "WHERE l.run_id = ? AND l.chunk_no = ANY (?) AND l.outcome = 'dead' AND e.run_id = l.run_id "
                    + "AND e.record_no BETWEEN l.first_record AND l.first_record + l.record_count - 1");
                    PreparedStatement ledger = connection.prepareStatement("DELETE FROM chunk_ledger "
                            + "WHERE run_id = ? AND chunk_no = ANY (?) AND outcome = 'dead'")) {
                errors.setString(1, runId);
                errors.setArray(2, connection.createArrayOf("integer", numbers));
                errors.executeUpdate();
                ledger.setString(1, runId);
                ledger.setArray(2, connection.createArrayOf("integer", numbers));
                return ledger.executeUpdate();
            }
        });
    }

    /**
     * A run's records live in one of two tables, by its dataset's kind; one query reads both, so a page needs neither
     * the kind nor a second round trip (the other table's index finds nothing for the run).
     */
    @Override
    public Page<StoredRecord> records(String runId, long afterRecordNo, int limit) {
        return pool.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT record_no, line_no, date, campaign, channel, spend, clicks, conversions, impressions, "
                            + "extra::text, NULL::text AS data FROM records WHERE run_id = ? AND record_no > ? "
                            + "UNION ALL SELECT record_no, line_no, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                            + "data::text FROM raw_records WHERE run_id = ? AND record_no > ? "
                            + "ORDER BY record_no LIMIT ?")) {
                query.setString(1, runId);
                query.setLong(2, afterRecordNo);
                query.setString(3, runId);
                query.setLong(4, afterRecordNo);
                query.setInt(5, limit + 1);
                List<StoredRecord> items = new ArrayList<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        String data = rows.getString(11);
                        items.add(data != null ? StoredRecord.raw(rows.getLong(1), rows.getLong(2), object(data))
                                : new StoredRecord(rows.getLong(1), rows.getLong(2),
                                        rows.getObject(3, java.time.LocalDate.class), rows.getString(4),
                                        rows.getString(5), rows.getBigDecimal(6), nullableLong(rows, 7),
                                        rows.getBigDecimal(8), nullableLong(rows, 9), rows.getString(10)));
                    }
                }
                if (items.size() > limit) {
                    items.remove(items.size() - 1);
                    return new Page<>(items, Optional.of(Long.toString(items.get(items.size() - 1).recordNo())));
                }
                return new Page<>(items, Optional.empty());
            }
        });
    }

    /** A raw record's jsonb object: every value is a string, as it was loaded. */
    private static Map<String, String> object(String json) {
        try {
            return JSON.readValue(json, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("raw_records.data is not a JSON object of strings", e);
        }
    }

    @Override
    public Page<StoredError> errors(String runId, ErrorCursor after, int limit) {
        return pool.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT record_no, seq, line_no, column_name, code, message, raw_excerpt FROM row_errors "
                            + "WHERE run_id = ? AND (record_no, seq) > (?, ?) ORDER BY record_no, seq LIMIT ?")) {
                query.setString(1, runId);
                query.setLong(2, after.recordNo());
                query.setInt(3, after.seq());
                query.setInt(4, limit + 1);
                List<StoredError> items = new ArrayList<>();
                List<Integer> seqs = new ArrayList<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        items.add(new StoredError(rows.getLong(1), nullableLong(rows, 3), rows.getString(4),
                                rows.getString(5), rows.getString(6), rows.getString(7)));
                        seqs.add(rows.getInt(2));
                    }
                }
                if (items.size() > limit) {
                    items.remove(items.size() - 1);
                    StoredError last = items.get(items.size() - 1);
                    return new Page<>(items, Optional.of(last.recordNo() + "." + seqs.get(items.size() - 1)));
                }
                return new Page<>(items, Optional.empty());
            }
        });
    }

    /** Totals straight from the tables, to prove the run's counters. */
    public long countRecords(String runId) {
        return count("SELECT (SELECT count(*) FROM records WHERE run_id = ?) "
                + "+ (SELECT count(*) FROM raw_records WHERE run_id = ?)", runId);
    }

    public long countRejectedRecords(String runId) {
        return count("SELECT count(DISTINCT record_no) FROM row_errors WHERE run_id = ?", runId);
    }

    private long count(String sql, String runId) {
        return pool.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement(sql)) {
                for (int i = 1; i <= sql.chars().filter(c -> c == '?').count(); i++) {
                    query.setString(i, runId);
                }
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }

    private static Long nullableLong(ResultSet rows, int column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : value;
    }

    private static boolean insertLedger(Connection connection, ChunkMessage chunk, LedgerEntry entry, String reason)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_LEDGER)) {
            insert.setString(1, chunk.runId());
            insert.setInt(2, chunk.chunkNo());
            insert.setLong(3, chunk.firstRecord());
            insert.setInt(4, chunk.recordCount());
            insert.setInt(5, entry.stored());
            insert.setInt(6, entry.rejected());
            insert.setString(7, storedOutcome(entry.outcome()));
            insert.setString(8, reason);
            return insert.executeUpdate() == 1;
        }
    }

    private static Optional<LedgerEntry> readLedger(Connection connection, String runId, int chunkNo)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT outcome, stored, rejected FROM chunk_ledger WHERE run_id = ? AND chunk_no = ?")) {
            query.setString(1, runId);
            query.setInt(2, chunkNo);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LedgerEntry(chunkNo, outcome(rows.getString(1)), rows.getInt(2),
                        rows.getInt(3)));
            }
        }
    }

    /** The ledger's text for an outcome; its CHECK constraint allows exactly these two. */
    private static String storedOutcome(LedgerOutcome outcome) {
        return switch (outcome) {
            case LOADED -> "loaded";
            case DEAD -> "dead";
        };
    }

    private static LedgerOutcome outcome(String stored) {
        return switch (stored) {
            case "loaded" -> LedgerOutcome.LOADED;
            case "dead" -> LedgerOutcome.DEAD;
            default -> throw new IllegalStateException("chunk_ledger.outcome '" + stored
                    + "' is neither loaded nor dead");
        };
    }

    private static void insertErrors(Connection connection, String runId, List<RowError> errors) throws SQLException {
        if (errors.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_ERROR)) {
            long previousRecord = -1;
            int seq = 0;
            for (RowError error : errors) {
                seq = error.recordNo() == previousRecord ? seq + 1 : 1;
                previousRecord = error.recordNo();
                insert.setString(1, runId);
                insert.setLong(2, error.recordNo());
                insert.setInt(3, seq);
                if (error.lineNo() > 0) {
                    insert.setLong(4, error.lineNo());
                } else {
                    insert.setNull(4, Types.BIGINT);
                }
                insert.setString(5, error.column());
                insert.setString(6, error.code().name());
                insert.setString(7, error.message());
                insert.setString(8, error.rawExcerpt());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * Deletes the runs' rows from every table keyed by run, in one transaction. {@code raw_records} exists only once
     * migration V2 (raw datasets) has run, so it is deleted from only where {@code to_regclass} finds it.
     */
    @Override
    public long deleteRunData(Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return 0;
        }
        return pool.inTransaction(connection -> {
            java.sql.Array ids = connection.createArrayOf("text", runIds.toArray());
            List<String> tables = new ArrayList<>(List.of("records", "row_errors", "chunk_ledger"));
            try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass('raw_records')");
                    ResultSet found = exists.executeQuery()) {
                if (found.next() && found.getString(1) != null) {
                    tables.add("raw_records");
                }
            }
            long records = 0;
            for (String table : tables) {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM " + table + " WHERE run_id = ANY(?)")) {
                    delete.setArray(1, ids);
                    int deleted = delete.executeUpdate();
                    if (table.endsWith("records")) {
                        records += deleted;
                    }
                }
            }
            return records;
        });
    }

    /** A database failure; the message is for logs and operators, never for API responses. */
    public static final class DatabaseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DatabaseException(SQLException cause) {
            super("database error (SQLState " + cause.getSQLState() + "): " + cause.getMessage(), cause);
        }
    }
}
