package dev.sluice.application.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.load.LoadChunk;
import dev.sluice.application.port.InMemoryPipelineMetrics;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.split.S3ObjectEvent;
import dev.sluice.application.split.SplitObject;
import dev.sluice.application.twins.InMemoryChunkSender;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRecordRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Resume, redrive and cancel against twins of their ports, over a run split and loaded by the real use cases. */
class RecoverRunsTest {
    private static final String BUCKET = "uploads-bucket";
    private static final String KEY = "uploads/owner-1/run-1/report.csv";
    private static final Caller OWNER = new Caller("owner-1", false);

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC);
    private final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
    private final InMemoryRunRepository runs = new InMemoryRunRepository(clock);
    private final InMemoryRecordRepository records = new InMemoryRecordRepository();
    private final InMemoryChunkSender chunks = new InMemoryChunkSender();
    private final InMemoryPipelineMetrics metrics = new InMemoryPipelineMetrics();
    private final SplitObject splitter = new SplitObject(objects, runs, chunks,
            new SplitObject.SplitLimits(1024 * 1024, 2, 100_000), metrics, clock);
    private final LoadChunk loader = new LoadChunk(objects, runs, records, metrics);
    private final RecoverRuns recover = new RecoverRuns(new RunQueries(runs, records), runs, runs, records, chunks,
            clock);

    @Test
    void resumeSendsExactlyThePlannedChunksNeitherLoadedNorDeadAndTheRunFinishesOnce() {
        List<ChunkMessage> planned = split(5);
        loader.load(planned.get(0));
        loader.markDead(planned.get(1));
        int before = chunks.sent().size();

        RecoverRuns.Recovery resumed = recover.resume(OWNER, "run-1");

        assertEquals(1, resumed.chunksSent(), "chunk 3 only: 1 is loaded, 2 is dead");
        List<ChunkMessage> resent = chunks.sent().subList(before, chunks.sent().size());
        assertEquals(List.of(planned.get(2)), resent, "the very message the splitter sent");
        resent.forEach(loader::load);
        resent.forEach(loader::load);
        Run run = runs.get("run-1");
        assertEquals(RunStatus.PARTIAL, run.status());
        assertEquals(5, run.stored() + run.errors());
        assertEquals(3, records.records("run-1").size());
    }

    @Test
    void redriveLoadsTheDeadChunksAgainAndAFixedRunEndsSucceededWithNoDuplicates() {
        List<ChunkMessage> planned = split(5);
        loader.load(planned.get(0));
        loader.markDead(planned.get(1));
        loader.load(planned.get(2));
        Run partial = runs.get("run-1");
        assertEquals(RunStatus.PARTIAL, partial.status());
        assertEquals(2, partial.errors());
        assertEquals(2, records.errors("run-1").size(), "CHUNK_FAILED for each record of the dead chunk");
        int before = chunks.sent().size();

        RecoverRuns.Recovery redriven = recover.redrive(OWNER, "run-1");

        assertEquals(1, redriven.chunksSent());
        assertEquals(RunStatus.LOADING, redriven.run().status());
        assertEquals(0, redriven.run().errors());
        assertEquals(0, records.errors("run-1").size(), "the dead chunk's errors are gone with its ledger row");
        assertEquals(partial.bytesDone() - planned.get(1).accountedBytes(), redriven.run().bytesDone());
        chunks.sent().subList(before, chunks.sent().size()).forEach(loader::load);
        Run run = runs.get("run-1");
        assertEquals(RunStatus.SUCCEEDED, run.status());
        assertEquals(5, run.stored());
        assertEquals(0, run.errors());
        assertEquals(run.bytesTotal(), run.bytesDone());
        assertEquals(5, records.records("run-1").size());
        InvalidRequestException again = assertThrows(InvalidRequestException.class,
                () -> recover.redrive(OWNER, "run-1"));
        assertEquals("NOTHING_TO_REDRIVE", again.code());
    }

    @Test
    void cancelEndsTheRunSaysWhatWasNotReadAndLaterChunksAreRefused() {
        List<ChunkMessage> planned = split(5);
        loader.load(planned.get(0));

        Run cancelled = recover.cancel(OWNER, "run-1");

        assertEquals(RunStatus.CANCELLED, cancelled.status());
        assertEquals("CANCELLED", cancelled.failureCode());
        assertEquals(3, cancelled.records() - cancelled.stored() - cancelled.errors(), "not read");
        assertEquals(LoadChunk.Outcome.DROPPED, loader.load(planned.get(1)).outcome());
        assertEquals(2, records.records("run-1").size());
        assertEquals("RUN_FINAL", assertThrows(InvalidRequestException.class,
                () -> recover.cancel(OWNER, "run-1")).code());
        assertEquals("NOT_RESUMABLE", assertThrows(InvalidRequestException.class,
                () -> recover.resume(OWNER, "run-1")).code());
    }

    @Test
    void someoneElsesRunIsNotFoundForEveryActionButAnAdministratorMayAct() {
        split(3);
        Caller stranger = new Caller("owner-2", false);
        for (Runnable action : List.<Runnable>of(() -> recover.resume(stranger, "run-1"),
                () -> recover.redrive(stranger, "run-1"), () -> recover.cancel(stranger, "run-1"))) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, action::run);
            assertEquals(404, e.httpStatus());
        }
        assertEquals(RunStatus.LOADING, runs.get("run-1").status());
        assertEquals(RunStatus.CANCELLED, recover.cancel(new Caller("admin-1", true), "run-1").status());
        assertTrue(runs.get("run-1").failureMessage().contains("an administrator"));
    }

    private List<ChunkMessage> split(int recordCount) {
        StringBuilder csv = new StringBuilder("Date,Campaign,Channel,Spend\n");
        for (int i = 1; i <= recordCount; i++) {
            csv.append("2024-03-0").append(1 + i % 9).append(",Spring,search,1").append(i).append(".50\n");
        }
        runs.put(Run.created("run-1", "owner-1", "default", "report.csv", BUCKET, KEY, Run.RunSource.UPLOAD,
                RunStatus.CREATED, csv.length(), Map.of(), clock.instant()));
        objects.put(BUCKET, KEY, csv.toString(), "etag-1");
        splitter.split(new S3ObjectEvent(BUCKET, KEY, csv.length(), "etag-1", "seq-1"), false);
        assertEquals(RunStatus.LOADING, runs.get("run-1").status());
        return chunks.sent();
    }
}
