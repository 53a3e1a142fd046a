package dev.sluice.local.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.TestDirs;
import dev.sluice.local.fault.FaultSpec.Kind;
import dev.sluice.local.soak.Soak;
import dev.sluice.local.soak.SoakReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each fault of the local runtime against the running stack: a few partner files dropped at once while the fault
 * strikes, then every run must be final and PostgreSQL must hold every record number of every file exactly once
 * ({@code RecordIdentity}: count(*) against count(DISTINCT), every 1..N present, nothing outside). Each test also
 * checks that its fault really struck, so a fault that silently stopped working fails the test.
 *
 * <p>Chunks of 200 records give each 600-record file 3 chunks; ChunkQueue's visibility timeout of 2 s brings a
 * delivery the fault cut short back quickly; a backoff base of 1 s gives a retry budget of 1 + 2 + 4 + 8 s (at least
 * 11 s with jitter), which a 4 s outage fits in (the 60 s outage with the default 10 s base is for {@code soak}).
 */
class FaultInjectionEndToEndTest {
    private static final int RECORDS = 600;
    private static final int CHUNKS_PER_FILE = 3;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static Path dataDir;
    private static LocalSluice sluice;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("sluice-faults");
        sluice = LocalSluice.start(LocalOptions.builder().port(0).dataDir(dataDir).faultInjection(true)
                .parameters(Map.of("ChunkMaxRecords", "200", "ChunkVisibilityTimeout", "2",
                        "IngestVisibilityTimeout", "5", "ChunkRetryBaseSeconds", "1"))
                .build());
    }

    @AfterAll
    static void stop() throws Exception {
        TestDirs.stop(sluice, dataDir);
    }

    @AfterEach
    void healed() {
        sluice.faults().disableAll();
    }

    private static SoakReport burst(int files, double poisonShare) throws Exception {
        SoakReport report = Soak.run(sluice, new Soak.Options(files, RECORDS, 0, poisonShare, DEADLINE), line -> {
        });
        assertEquals(files, report.runsTotal(), report::toString);
        assertEquals(report.runsTotal(), report.runsFinal(), () -> "every run final: " + report);
        assertEquals(0, report.lost(), () -> "nothing lost: " + report);
        assertEquals(0, report.duplicated(), () -> "nothing doubled: " + report);
        assertEquals(0, report.foreign(), () -> "no record number outside the files: " + report);
        return report;
    }

    @Test
    void duplicateAndConcurrentRedeliveryLoadsEachChunkOnce() throws Exception {
        sluice.faults().enable(FaultSpec.of(Kind.DUPLICATE, 3));
        long before = sluice.faults().struck(Kind.DUPLICATE);
        SoakReport report = burst(4, 0);
        assertEquals(Map.of("SUCCEEDED", 4), report.statuses());
        // Per chunk: two copies running beside the first delivery, and one more sent to the queue after it.
        assertTrue(sluice.faults().struck(Kind.DUPLICATE) - before >= 4L * CHUNKS_PER_FILE * 3,
                () -> "struck " + sluice.faults().struck(Kind.DUPLICATE));
    }

    @Test
    void aLoaderThatDiesAfterItsCommitIsFollowedByADeliveryThatOnlyCounts() throws Exception {
        sluice.faults().enable(FaultSpec.of(Kind.DIE_AFTER_COMMIT));
        long before = sluice.faults().struck(Kind.DIE_AFTER_COMMIT);
        SoakReport report = burst(3, 0);
        assertEquals(Map.of("SUCCEEDED", 3), report.statuses());
        // Every chunk's one load commit killed its loader: each was counted by a later delivery that found the ledger.
        assertEquals(3L * CHUNKS_PER_FILE, sluice.faults().struck(Kind.DIE_AFTER_COMMIT) - before);
    }

    @Test
    void aLoaderSlowerThanTheVisibilityTimeoutMeetsItsSecondDeliveryAndLoadsOnce() throws Exception {
        sluice.faults().enable(FaultSpec.of(Kind.SLOW_LOADER));
        long slowBefore = sluice.faults().struck(Kind.SLOW_LOADER);
        long invocationsBefore = loaderInvocations();
        SoakReport report = burst(2, 0);
        assertEquals(Map.of("SUCCEEDED", 2), report.statuses());
        assertEquals(2L * CHUNKS_PER_FILE, sluice.faults().struck(Kind.SLOW_LOADER) - slowBefore);
        // Each commit waited 4 s, twice the visibility timeout: SQS handed the chunk out again meanwhile.
        assertTrue(loaderInvocations() - invocationsBefore > 2L * CHUNKS_PER_FILE,
                () -> "second deliveries: " + (loaderInvocations() - invocationsBefore));
    }

    @Test
    void aDatabaseOutageShorterThanTheRetryBudgetEndsWithoutADeadChunk() throws Exception {
        sluice.faults().enable(FaultSpec.of(Kind.DB_OUTAGE, 4));
        long before = sluice.faults().struck(Kind.DB_OUTAGE);
        SoakReport report = burst(4, 0);
        assertEquals(Map.of("SUCCEEDED", 4), report.statuses(), "no chunk reached the DLQ: " + report);
        assertEquals(0, report.deadChunks());
        assertTrue(sluice.faults().struck(Kind.DB_OUTAGE) - before > 0, "connections were refused or dropped");
    }

    @Test
    void dynamoDbThrottlingAfterTheCommitIsCountedOnceByALaterDelivery() throws Exception {
        sluice.faults().enable(FaultSpec.of(Kind.DYNAMODB_THROTTLE));
        long before = sluice.faults().struck(Kind.DYNAMODB_THROTTLE);
        SoakReport report = burst(2, 0);
        assertEquals(Map.of("SUCCEEDED", 2), report.statuses());
        assertEquals(0, report.deadChunks());
        // All 9 tries of each chunk's first count were throttled, so that delivery failed after its commit.
        assertEquals(2L * CHUNKS_PER_FILE * 9, sluice.faults().struck(Kind.DYNAMODB_THROTTLE) - before);
    }

    @Test
    void aPoisonChunkGoesToTheDlqAndItsRunStillEndsWithEveryRecordAccountedFor() throws Exception {
        sluice.faults().enable(FaultSpec.of(Kind.POISON));
        SoakReport report = burst(4, 0.5);
        assertEquals(Map.of("SUCCEEDED", 2, "PARTIAL", 2), report.statuses());
        assertEquals(2L * CHUNKS_PER_FILE, report.deadChunks(), report::toString);
    }

    private static long loaderInvocations() {
        return sluice.eventSources("LoadFunction").stream().mapToLong(s -> s.invocations()).sum();
    }
}
