package dev.sluice.adapter.out.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.application.port.RunRepository.RunAndPlan;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.mapping.Mapping;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.Run.RunSource;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.SharedStack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The run-state conditions that keep forged, stale and repeated messages from moving a run, against the runtime's
 * DynamoDB emulator and the table as template.yaml defines it (GSIs included).
 */
@ExtendWith(SharedStack.class)
class RunIntegrityRepositoryTest {
    private static final ObjectVersion FIRST = new ObjectVersion("11111111111111111111111111111111", null);
    private static final ObjectVersion SECOND = new ObjectVersion("22222222222222222222222222222222", null);

    @Test
    void aRunThatTakesNoChunksIsNeverCounted(LocalSluice sluice) {
        DynamoRunRepository runs = runs(sluice);
        String unknown = UUID.randomUUID().toString();
        assertFalse(runs.countChunk(unknown, 1, 10, 0, 100), "an unknown run");
        assertFalse(runs.countDeadChunk(unknown, new Run.DeadChunk(1, 1, 10, "forged"), 100), "an unknown run");
        assertEquals(Optional.empty(), runs.find(unknown), "counting never creates a run item");

        String runId = newRun(runs, Instant.now());
        assertFalse(runs.countChunk(runId, 1, 10, 0, 100), "a CREATED run takes no chunks");
        runs.startSplitting(runId, FIRST, 200);
        runs.finishSplitting(runId, 10, 1);
        assertFalse(runs.countChunk(runId, 2, 10, 0, 100), "chunk 2 of a run planned with 1 chunk");
        assertTrue(runs.countChunk(runId, 1, 8, 2, 200));
        assertEquals(Optional.of(RunStatus.PUBLISHING), runs.finishIfComplete(runId), "it stored records");
        Run finished = runs.find(runId).orElseThrow();

        assertFalse(runs.countDeadChunk(runId, new Run.DeadChunk(2, 11, 5000, "forged"), 100),
                "a dead chunk for a finished run");
        assertFalse(runs.countDeadChunk(runId, new Run.DeadChunk(1, 1, 10, "forged"), 100),
                "the finished run's own chunk again");
        Run after = runs.find(runId).orElseThrow();
        assertEquals(finished.stored(), after.stored());
        assertEquals(finished.errors(), after.errors());
        assertEquals(0, after.chunksDead());
        assertEquals(after.records(), after.stored() + after.errors(), "stored + errors = records");
        assertEquals(200, after.bytesDone());
        assertEquals(200, after.bytesTotal());
    }

    @Test
    void theSplitOfARunStartsOnItsFirstObjectVersionOnly(LocalSluice sluice) {
        DynamoRunRepository runs = runs(sluice);
        String runId = newRun(runs, Instant.now());
        assertTrue(runs.startSplitting(runId, FIRST, 500).isPresent());
        assertTrue(runs.startSplitting(runId, FIRST, 500).isPresent(), "a retried split of the same version");
        assertFalse(runs.startSplitting(runId, SECOND, 900).isPresent(), "another version of the object");
        Run run = runs.find(runId).orElseThrow();
        assertEquals(FIRST.eTag(), run.objectETag(), "the run keeps the first ETag");
        assertEquals(500, run.bytesTotal());
        assertEquals(RunStatus.SPLITTING, run.status());
    }

    @Test
    void aPlannedChunkIsFoundByItsFingerprint(LocalSluice sluice) {
        DynamoRunRepository runs = runs(sluice);
        String runId = newRun(runs, Instant.now());
        runs.startSplitting(runId, FIRST, 500);
        ChunkMessage chunk = new ChunkMessage(runId, "default", 1, "b", "k", 10, 500, 1, 20, 2,
                new Dialect("UTF-8", 0, ',', '"', List.of("Date", "Campaign", "Channel")), new Mapping(Map.of()),
                NumberStyle.US, FIRST.eTag(), null);
        runs.recordPlannedChunks(runId, List.of(chunk));
        RunAndPlan found = runs.findWithPlan(runId, 1);
        assertEquals(Optional.of(chunk.fingerprint()), found.plannedFingerprint());
        assertEquals(runId, found.run().orElseThrow().runId());
        assertEquals(Optional.empty(), runs.findWithPlan(runId, 2).plannedFingerprint(), "chunk 2 was not planned");
        RunAndPlan unknown = runs.findWithPlan(UUID.randomUUID().toString(), 1);
        assertEquals(Optional.empty(), unknown.run());
        assertEquals(Optional.empty(), unknown.plannedFingerprint());
    }

    @Test
    void aRunWithoutUploadPastTheCutoffExpiresOnce(LocalSluice sluice) {
        DynamoRunRepository runs = runs(sluice);
        Instant now = Instant.now();
        String old = newRun(runs, now.minus(Duration.ofHours(2)));
        String fresh = newRun(runs, now);
        List<String> candidates = runs.createdBefore(now.minus(Duration.ofHours(1)), 1000).stream()
                .map(Run::runId).toList();
        assertTrue(candidates.contains(old), "an old CREATED run is found: " + candidates);
        assertFalse(candidates.contains(fresh), "a new one is not");
        assertTrue(runs.expire(old, "UPLOAD_EXPIRED", "no file"));
        assertFalse(runs.expire(old, "UPLOAD_EXPIRED", "no file"), "expires once");
        Run expired = runs.find(old).orElseThrow();
        assertEquals(RunStatus.EXPIRED, expired.status());
        assertEquals("UPLOAD_EXPIRED", expired.failureCode());
        assertTrue(expired.finishedAt() != null);
        assertFalse(runs.createdBefore(now, 1000).stream().anyMatch(r -> r.runId().equals(old)),
                "an expired run is no longer listed as CREATED");
        runs.startSplitting(fresh, FIRST, 10);
        assertFalse(runs.expire(fresh, "UPLOAD_EXPIRED", "no file"), "a run whose file arrived never expires");
    }

    private static DynamoRunRepository runs(LocalSluice sluice) {
        return new DynamoRunRepository(sluice.dynamoDbClient(), sluice.tableName("RunsTable"), Clock.systemUTC());
    }

    private static String newRun(DynamoRunRepository runs, Instant createdAt) {
        String runId = UUID.randomUUID().toString();
        assertTrue(runs.create(Run.created(runId, "local", "default", "f.csv", "b", "uploads/local/" + runId
                + "/f.csv", RunSource.UPLOAD, RunStatus.CREATED, 100, Map.of(), createdAt)));
        return runId;
    }
}
