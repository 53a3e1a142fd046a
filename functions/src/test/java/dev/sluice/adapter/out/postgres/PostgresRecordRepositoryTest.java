package dev.sluice.adapter.out.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.port.RecordRepository.LedgerOutcome;
import dev.sluice.application.port.RecordRepository.LoadOutcome;
import dev.sluice.application.port.RecordRepository;
import dev.sluice.application.port.RecordRepository.LoadResult;
import dev.sluice.application.port.RecordRepository.ErrorCursor;
import dev.sluice.application.port.RecordRepository.LedgerEntry;
import dev.sluice.application.port.RecordRepository.Page;
import dev.sluice.application.port.RecordRepository.StoredError;
import dev.sluice.application.port.RecordRepository.StoredRecord;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.Mapping;
import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.validation.RecordSink;
import dev.sluice.domain.validation.RowError;
import dev.sluice.domain.validation.RowErrorCode;
import dev.sluice.domain.validation.ValidRecord;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ledger guarantee against a real PostgreSQL: a chunk is loaded once, however it is delivered. */
class PostgresRecordRepositoryTest {
    private static EmbeddedPostgres postgres;
    private static ConnectionPool pool;
    private static PostgresRecordRepository repository;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Migrations.apply(postgres.getPostgresDatabase());
        assertTrue(Migrations.apply(postgres.getPostgresDatabase()).isEmpty(), "a second apply changes nothing");
        pool = new ConnectionPool(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", 4);
        repository = new PostgresRecordRepository(pool);
    }

    @AfterAll
    static void stop() throws Exception {
        pool.close();
        postgres.close();
    }

    @Test
    void deletingRunDataRemovesTheirRecordsErrorsAndLedgerRowsAndNothingOfOtherRuns() {
        String gone = UUID.randomUUID().toString();
        String alsoGone = UUID.randomUUID().toString();
        String kept = UUID.randomUUID().toString();
        for (String runId : List.of(gone, alsoGone, kept)) {
            ChunkMessage chunk = chunk(runId, 1, 1, 3);
            assertTrue(repository.load(chunk, "ds_1", filled(chunk, "c")).loadedNow());
        }
        assertEquals(4, repository.deleteRunData(List.of(gone, alsoGone, UUID.randomUUID().toString())),
                "two stored records of each run; an unknown run is no error");
        for (String runId : List.of(gone, alsoGone)) {
            assertEquals(0, repository.countRecords(runId));
            assertEquals(0, repository.countRejectedRecords(runId));
            ChunkMessage again = chunk(runId, 1, 1, 3);
            assertTrue(repository.load(again, "ds_1", filled(again, "c")).loadedNow(), "its ledger row is gone too");
        }
        assertEquals(2, repository.countRecords(kept));
        assertEquals(1, repository.countRejectedRecords(kept));
        assertEquals(0, repository.deleteRunData(List.of()));
    }

    @Test
    void aChunkDeliveredTwiceIsLoadedOnce() {
        String runId = UUID.randomUUID().toString();
        ChunkMessage chunk = chunk(runId, 1, 1, 3);
        LoadResult firstLoad = repository.load(chunk, "default", filled(chunk, "Spring \"Sale\"\tEU\\1\nnext"));
        LoadResult secondLoad = repository.load(chunk, "default", sink -> {
            throw new AssertionError("a chunk already in the ledger is not parsed again");
        });
        assertTrue(firstLoad.loadedNow());
        assertFalse(secondLoad.loadedNow());
        assertEquals(LoadOutcome.ALREADY_LOADED, secondLoad.outcome());
        LedgerEntry first = firstLoad.entry();
        LedgerEntry second = secondLoad.entry();
        assertEquals(new LedgerEntry(1, LedgerOutcome.LOADED, 2, 1), first);
        assertEquals(first, second);
        assertEquals(2, repository.countRecords(runId));
        assertEquals(1, repository.countRejectedRecords(runId));
        Page<StoredRecord> records = repository.records(runId, 0, 10);
        assertEquals("Spring \"Sale\"\tEU\\1\nnext", records.items().get(0).campaign(), "text survives COPY escaping");
        assertEquals(new BigDecimal("1234.56"), records.items().get(0).spend());
        assertEquals("{\"Ad group\": \"g\\\"1\"}", records.items().get(0).extraJson());
    }

    @Test
    void aChunkLargerThanOneCopyFlushIsStreamedWhole() {
        String runId = UUID.randomUUID().toString();
        int records = 20_000;
        ChunkMessage chunk = chunk(runId, 1, 1, records);
        LoadResult result = repository.load(chunk, "default", sink -> {
            for (int i = 1; i <= records; i++) {
                sink.accept(new ValidRecord(i, i + 1, LocalDate.of(2024, 1, 1), "campaign " + "x".repeat(i % 50),
                        "search", new BigDecimal(i + ".25"), (long) i, null, null, Map.of("n", Integer.toString(i))));
            }
            return records;
        });
        assertEquals(records, result.entry().stored());
        assertEquals(records, repository.countRecords(runId));
        assertEquals("{\"n\": \"20000\"}", repository.records(runId, records - 1, 1).items().get(0).extraJson());
    }

    @Test
    void anyTextSurvivesTheCopyEncoding() {
        String runId = UUID.randomUUID().toString();
        ChunkMessage chunk = chunk(runId, 1, 1, 2);
        String campaign = "Été 🌞 \\N \\\\ back\\slash \u00a0 \u4e2d\u6587";
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("Notes \"q\"", "tab\there\u0001 ctl \\ \u00fc");
        extra.put("nul", "a\u0000b \ud800 lone");
        RecordRepository.ChunkParse parse = buffer -> {
            buffer.accept(new ValidRecord(1, 2, LocalDate.of(999, 1, 2), campaign, "ch\r\nx", null, 0L, null, 12L,
                    extra));
            buffer.accept(new ValidRecord(2, 3, LocalDate.of(2024, 2, 29), "nul\u0000here", "\t", null, null, null,
                    null, Map.of()));
            return 2;
        };
        repository.load(chunk, "d\\s", parse);
        StoredRecord stored = repository.records(runId, 0, 1).items().get(0);
        assertEquals(campaign, stored.campaign());
        assertEquals("ch\r\nx", stored.channel());
        assertEquals(LocalDate.of(999, 1, 2), stored.date());
        assertEquals(0L, stored.clicks());
        assertEquals("{\"nul\": \"a\ufffdb \ufffd lone\", \"Notes \\\"q\\\"\": \"tab\\there\\u0001 ctl \\\\ \u00fc\"}",
                stored.extraJson(), "JSONB orders keys by length; NUL and a lone surrogate become U+FFFD");
        StoredRecord second = repository.records(runId, 1, 1).items().get(0);
        assertEquals("nul\ufffdhere", second.campaign());
        assertEquals("\t", second.channel());
        assertEquals(LocalDate.of(2024, 2, 29), second.date());
        assertNull(second.clicks());
    }

    @Test
    void decimalsKeepValueAndScaleThroughTheCopyEncoding() {
        String runId = UUID.randomUUID().toString();
        List<String> spends = List.of("0", "0.00", "0.05", "0.000123", "7", "1234.56", "12.50", "10000", "10000.0001",
                "999999999999999999", "99999999999999999.9", "1234567890123456789.5", "123456789012345678901234.000001",
                "-12.50", "-0.0001", "1E+3", "123456789012345678901234567890123456789012345678901234567890.5");
        List<String> expected = spends.stream().map(spend -> new BigDecimal(spend).toPlainString()).toList();
        ChunkMessage chunk = chunk(runId, 1, 1, spends.size());
        repository.load(chunk, "d", buffer -> {
            for (int i = 0; i < spends.size(); i++) {
                buffer.accept(new ValidRecord(i + 1, i + 2, LocalDate.of(2024, 3, 1), "c", "ch",
                        new BigDecimal(spends.get(i)), null, null, null, Map.of()));
            }
            return spends.size();
        });
        List<String> stored = repository.records(runId, 0, spends.size()).items().stream()
                .map(record -> record.spend().toPlainString()).toList();
        assertEquals(expected, stored);
    }

    @Test
    void concurrentDeliveriesOfOneChunkLoadItOnce() throws Exception {
        String runId = UUID.randomUUID().toString();
        ChunkMessage chunk = chunk(runId, 7, 101, 3);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<LedgerEntry>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<LedgerEntry> delivery = () -> {
                    start.await();
                    return repository.load(chunk, "default", filled(chunk, "c")).entry();
                };
                results.add(pool.submit(delivery));
            }
            start.countDown();
            for (Future<LedgerEntry> result : results) {
                assertEquals(new LedgerEntry(7, LedgerOutcome.LOADED, 2, 1), result.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, repository.countRecords(runId));
        assertEquals(1, repository.countRejectedRecords(runId));
    }

    @Test
    void aDeadChunkTurnsEveryRecordIntoAnErrorOnceAndNeverAfterALoad() {
        String runId = UUID.randomUUID().toString();
        ChunkMessage dead = chunk(runId, 2, 11, 4);
        assertEquals(LedgerOutcome.DEAD, repository.markDead(dead, "S3 said no").outcome());
        assertEquals(LedgerOutcome.DEAD, repository.markDead(dead, "again").outcome());
        LoadResult lateLoad = repository.load(dead, "default", sink -> {
            throw new AssertionError("a dead chunk is not parsed");
        });
        assertEquals(LoadOutcome.ALREADY_DEAD, lateLoad.outcome());
        assertEquals(new LedgerEntry(2, LedgerOutcome.DEAD, 0, 4), lateLoad.entry());
        assertEquals(4, repository.countRejectedRecords(runId));
        assertEquals(0, repository.countRecords(runId));

        ChunkMessage loaded = chunk(runId, 3, 15, 3);
        repository.load(loaded, "default", filled(loaded, "x"));
        LedgerEntry afterLoad = repository.markDead(loaded, "late DLQ copy");
        assertEquals(LedgerOutcome.LOADED, afterLoad.outcome(), "a loaded chunk is never declared dead");
        assertEquals(2, repository.countRecords(runId));
    }

    @Test
    void aForgottenDeadChunkLoadsOnItsNextDeliveryAndALoadedChunkIsNeverForgotten() {
        String runId = UUID.randomUUID().toString();
        ChunkMessage dead = chunk(runId, 2, 11, 4);
        ChunkMessage loaded = chunk(runId, 3, 15, 3);
        repository.markDead(dead, "poisoned");
        repository.load(loaded, "default", filled(loaded, "x"));

        assertEquals(1, repository.forgetDeadChunks(runId, List.of(2, 3)), "only the dead one");
        assertEquals(1, repository.countRejectedRecords(runId), "its 4 CHUNK_FAILED errors went, not chunk 3's one");
        assertEquals(0, repository.forgetDeadChunks(runId, List.of(2)), "a repeat forgets nothing");
        assertEquals(LoadOutcome.LOADED_NOW, repository.load(dead, "default", filled(dead, "y")).outcome());
        assertEquals(0, repository.forgetDeadChunks(runId, List.of(2, 3)));
        assertEquals(4, repository.countRecords(runId));
        assertEquals(2, repository.countRejectedRecords(runId));
    }

    @Test
    void errorsPageInRecordOrder() {
        String runId = UUID.randomUUID().toString();
        ChunkMessage dead = chunk(runId, 1, 1, 5);
        repository.markDead(dead, "boom");
        List<Long> seen = new ArrayList<>();
        ErrorCursor cursor = ErrorCursor.START;
        while (true) {
            Page<StoredError> page = repository.errors(runId, cursor, 2);
            page.items().forEach(e -> seen.add(e.recordNo()));
            if (page.nextCursor().isEmpty()) {
                break;
            }
            String[] parts = page.nextCursor().get().split("\\.");
            cursor = new ErrorCursor(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seen);
        List<StoredError> errors = repository.errors(runId, ErrorCursor.START, 10).items();
        assertFalse(errors.get(0).message().isBlank());
        assertEquals(2L, errors.get(0).lineNo(), "the dead chunk's first record keeps its line");
        assertEquals(null, errors.get(1).lineNo(), "later lines of a dead chunk are unknown");
    }

    /** Two valid records and one rejected record (with two problems) for a chunk of three. */
    private static RecordRepository.ChunkParse filled(ChunkMessage chunk, String campaign) {
        return buffer -> fill(buffer, chunk, campaign);
    }

    private static int fill(RecordSink buffer, ChunkMessage chunk, String campaign) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("Ad group", "g\"1");
        long first = chunk.firstRecord();
        buffer.accept(new ValidRecord(first, first + 1, LocalDate.of(2024, 3, 1), campaign, "search",
                new BigDecimal("1234.56"), 10L, new BigDecimal("1.5"), 1000L, extra));
        buffer.reject(first + 1, first + 2, List.of(
                new RowError(first + 1, first + 2, "Day", RowErrorCode.INVALID_DATE, "bad date", "2024-02-30"),
                new RowError(first + 1, first + 2, "Cost", RowErrorCode.NEGATIVE, "negative", "-5")));
        buffer.accept(new ValidRecord(first + 2, first + 3, LocalDate.of(2024, 3, 2), "b", "social", null, null, null,
                null, Map.of()));
        return 3;
    }

    private static ChunkMessage chunk(String runId, int chunkNo, long firstRecord, int count) {
        Dialect dialect = new Dialect("UTF-8", 0, ',', '"', List.of("Day", "Campaign", "Channel", "Cost"));
        Mapping mapping = new Mapping(Map.of(CanonicalField.DATE, "Day", CanonicalField.CAMPAIGN, "Campaign",
                CanonicalField.CHANNEL, "Channel", CanonicalField.SPEND, "Cost"));
        return new ChunkMessage(runId, "default", chunkNo, "bucket", "key", 0, 100, firstRecord, count,
                firstRecord + 1, dialect, mapping, NumberStyle.US);
    }
}
