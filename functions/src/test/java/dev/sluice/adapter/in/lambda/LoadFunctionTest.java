package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.adapter.wire.ChunkMessageCodec;
import dev.sluice.application.load.LoadChunk;
import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.application.port.PipelineMetrics;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRecordRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.config.Json;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ChunkQueue's handler fed events/sqs-chunk-message.json, with the loader's ports as twins. */
class LoadFunctionTest {
    private static final String FIXTURE = "sqs-chunk-message.json";
    private final InMemoryObjectStore objects = new InMemoryObjectStore(Clock.systemUTC());
    private final InMemoryRunRepository runs = new InMemoryRunRepository();
    private final InMemoryRecordRepository records = new InMemoryRecordRepository();
    private final LoadFunction handler = new LoadFunction(new LoadChunk(objects, runs, records,
            PipelineMetrics.none()));

    @Test
    void theDecodedChunkReachesTheLoaderWhichDeclaresItDeadWhenItsFileIsGone() {
        ChunkMessage chunk = plan(fixtureChunk());

        SQSBatchResponse response = handler.handleRequest(EventFixtures.read(FIXTURE, SQSEvent.class),
                new TestContext());

        assertEquals(List.of(), SqsBatchTest.failedIds(response), "acknowledged: no retry can read that file");
        Run run = runs.get(chunk.runId());
        assertEquals(1, run.chunksDead());
        assertEquals(41230, run.errors(), "every record of the fixture's chunk");
        assertEquals(List.of(chunk.runId() + " FILE_CHANGED"), runs.notedFailures());
    }

    @Test
    void aChunkThatFailsIsReportedByItsMessageIdAndItsFailureRecordedForTheDlq() {
        ChunkMessage chunk = plan(fixtureChunk());
        // The file is there, in the planned version, but holds far fewer records than the plan says.
        objects.put(chunk.bucket(), chunk.key(), "x".repeat((int) chunk.endByte()), chunk.eTag());

        SQSBatchResponse response = handler.handleRequest(EventFixtures.read(FIXTURE, SQSEvent.class),
                new TestContext());

        assertEquals(List.of("7b6e2f3c-1d4a-4b8e-9f0a-2c3d4e5f6a7b"), SqsBatchTest.failedIds(response));
        String reason = runs.lastChunkFailure(chunk.runId(), 1).orElseThrow();
        assertTrue(reason.contains("was planned with 41230 records but 1 were read"), reason);
        assertTrue(records.ledger(chunk.runId(), 1).isEmpty(), "nothing kept of the failed delivery");
    }

    @Test
    void aChunkOfNoKnownRunIsAcknowledgedWithoutWritingAnything() {
        SQSBatchResponse response = handler.handleRequest(EventFixtures.read(FIXTURE, SQSEvent.class),
                new TestContext());
        assertEquals(List.of(), SqsBatchTest.failedIds(response));
        assertEquals(0, objects.reads());
        assertEquals(List.of(), runs.all());
    }

    @Test
    void aBodyThatIsNoChunkMessageIsReportedFailedSoChunkDlqKeepsIt() {
        plan(fixtureChunk());
        SQSEvent event = EventFixtures.read(FIXTURE, SQSEvent.class);
        SQSEvent.SQSMessage garbled = new SQSEvent.SQSMessage();
        garbled.setMessageId("garbled-1");
        garbled.setBody("{\"runId\": 42}");
        List<SQSEvent.SQSMessage> messages = new ArrayList<>(event.getRecords());
        messages.add(0, garbled);
        event.setRecords(messages);

        SQSBatchResponse response = handler.handleRequest(event, new TestContext());

        assertEquals(List.of("garbled-1"), SqsBatchTest.failedIds(response), "the fixture's chunk still counted");
        assertEquals(1, runs.get(fixtureChunk().runId()).chunksDead());
    }

    static ChunkMessage fixtureChunk() {
        String body = EventFixtures.read(FIXTURE, SQSEvent.class).getRecords().get(0).getBody();
        return ChunkMessageCodec.decode(Json.mapper(), body);
    }

    /** A LOADING run whose splitter planned exactly this chunk. */
    private ChunkMessage plan(ChunkMessage chunk) {
        runs.put(Run.created(chunk.runId(), "local", chunk.datasetId(), "google-ads-march.csv", chunk.bucket(),
                chunk.key(), Run.RunSource.UPLOAD, RunStatus.CREATED, chunk.endByte(), Map.of(),
                Clock.systemUTC().instant()));
        runs.startSplitting(chunk.runId(), new ObjectVersion(chunk.eTag(), null), chunk.endByte());
        runs.recordPlannedChunks(chunk.runId(), List.of(chunk));
        runs.recordSplitProgress(chunk.runId(), chunk.recordCount(), 1);
        runs.finishSplitting(chunk.runId(), chunk.recordCount(), 2);
        return chunk;
    }
}
