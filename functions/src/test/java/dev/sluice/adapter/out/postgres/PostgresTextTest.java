package dev.sluice.adapter.out.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.port.RecordRepository.ErrorCursor;
import dev.sluice.application.port.RecordRepository.LedgerEntry;
import dev.sluice.application.port.RecordRepository.LedgerOutcome;
import dev.sluice.application.port.RecordRepository.StoredError;
import dev.sluice.application.port.RecordRepository.StoredRecord;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.Mapping;
import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.validation.RowError;
import dev.sluice.domain.validation.RowErrorCode;
import dev.sluice.domain.validation.ValidRecord;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Text PostgreSQL refuses (U+0000, unpaired surrogates) in every place Sluice writes text, against a real
 * PostgreSQL: before {@link PostgresText}, a NUL quoted in a row error rolled back its whole chunk (SQLState 22021).
 */
class PostgresTextTest {
    private static final String NUL = "\u0000";
    private static final String LONE_HIGH = "\uD83D";
    private static final String LONE_LOW = "\uDE00";
    private static EmbeddedPostgres postgres;
    private static ConnectionPool pool;
    private static PostgresRecordRepository repository;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Migrations.apply(postgres.getPostgresDatabase());
        pool = new ConnectionPool(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", 2);
        repository = new PostgresRecordRepository(pool);
    }

    @AfterAll
    static void stop() throws Exception {
        pool.close();
        postgres.close();
    }

    @Test
    void safeReplacesOnlyWhatPostgresCannotStore() {
        String fine = "café 😀 \t\"quoted\"\\";
        assertSame(fine, PostgresText.safe(fine), "nothing to replace: the same string, no copy");
        assertEquals("1\uFFFD5", PostgresText.safe("1" + NUL + "5"));
        assertEquals("a\uFFFDb\uFFFDc😀", PostgresText.safe("a" + LONE_HIGH + "b" + LONE_LOW + "c😀"));
        assertEquals("\uFFFD", PostgresText.safe(LONE_HIGH), "a high surrogate at the very end");
        assertEquals(null, PostgresText.safe(null));
    }

    @Test
    void aChunkWhoseTextsHoldNulAndLoneSurrogatesLoadsAndReadsBack() {
        String runId = UUID.randomUUID().toString();
        ChunkMessage chunk = chunk(runId, 1, 1, 2);
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("Note" + NUL, "x" + NUL + "y" + LONE_LOW);
        var result = repository.load(chunk, "default", sink -> {
            sink.accept(new ValidRecord(1, 2, LocalDate.of(2024, 2, 4), "Spring" + NUL + LONE_HIGH, "search",
                    null, null, null, null, extra));
            sink.reject(2, 3, List.of(new RowError(2, 3, "Spend" + NUL, RowErrorCode.INVALID_NUMBER,
                    "record 2 (line 3), column \"Spend\": \"1" + NUL + "5\" is not a number" + LONE_HIGH,
                    "2024-02-04,x,search,1" + NUL + "5,2,3,4")));
            return 2;
        });
        assertEquals(new LedgerEntry(1, LedgerOutcome.LOADED, 1, 1), result.entry());

        StoredRecord record = repository.records(runId, 0, 10).items().get(0);
        assertEquals("Spring\uFFFD\uFFFD", record.campaign());
        assertEquals("{\"Note\uFFFD\": \"x\uFFFDy\uFFFD\"}", record.extraJson());
        StoredError error = repository.errors(runId, ErrorCursor.START, 10).items().get(0);
        assertEquals("Spend\uFFFD", error.column());
        assertEquals("record 2 (line 3), column \"Spend\": \"1\uFFFD5\" is not a number\uFFFD", error.message());
        assertEquals("2024-02-04,x,search,1\uFFFD5,2,3,4", error.rawExcerpt());
    }

    @Test
    void aDeadChunkReasonWithNulIsRecorded() throws Exception {
        String runId = UUID.randomUUID().toString();
        ChunkMessage chunk = chunk(runId, 3, 11, 2);
        assertEquals(new LedgerEntry(3, LedgerOutcome.DEAD, 0, 2),
                repository.markDead(chunk, "bad byte " + NUL + " here"));
        assertEquals(2, repository.countRejectedRecords(runId));
        StoredError first = repository.errors(runId, ErrorCursor.START, 10).items().get(0);
        assertTrue(first.message().contains("bad byte \uFFFD here"), first.message());
        try (Connection connection = pool.borrow();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT reason FROM chunk_ledger WHERE run_id = ?")) {
            query.setString(1, runId);
            try (ResultSet rows = query.executeQuery()) {
                assertTrue(rows.next());
                assertEquals("bad byte \uFFFD here", rows.getString(1));
            }
            pool.release(connection, false);
        }
    }

    @Test
    void readsWithAnIdHoldingNulFindNothingInsteadOfFailing() {
        assertEquals(List.of(), repository.records("run" + NUL, 0, 10).items());
        assertEquals(0, repository.countRecords("run" + NUL + LONE_HIGH));
    }

    private static ChunkMessage chunk(String runId, int chunkNo, long firstRecord, int count) {
        Dialect dialect = new Dialect("UTF-8", 0, ',', '"', List.of("Date", "Campaign", "Channel", "Spend"));
        Mapping mapping = new Mapping(Map.of(CanonicalField.DATE, "Date", CanonicalField.CAMPAIGN, "Campaign",
                CanonicalField.CHANNEL, "Channel", CanonicalField.SPEND, "Spend"));
        return new ChunkMessage(runId, "default", chunkNo, "bucket", "key", 0, 100, firstRecord, count,
                firstRecord + 1, dialect, mapping, NumberStyle.US);
    }
}
