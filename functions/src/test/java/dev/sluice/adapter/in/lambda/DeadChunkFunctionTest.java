package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.application.load.LoadChunk;
import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.application.port.PipelineMetrics;
import dev.sluice.application.port.RecordRepository;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRecordRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ChunkDLQ's handler fed the chunk message of events/sqs-chunk-message.json, with the loader's ports as twins. */
class DeadChunkFunctionTest {
    private static final String FIXTURE = "sqs-chunk-message.json";
    private final InMemoryRunRepository runs = new InMemoryRunRepository();
    private final InMemoryRecordRepository records = new InMemoryRecordRepository();
    private final DeadChunkFunction handler = new DeadChunkFunction(new LoadChunk(
            new InMemoryObjectStore(Clock.systemUTC()), runs, records, PipelineMetrics.none()));

    @Test
    void theChunkIsDeclaredDeadWithTheReasonItsLastDeliveryFailedAndItsRunFinishesPartial() {
        ChunkMessage chunk = LoadFunctionTest.fixtureChunk();
        planAsTheOnlyChunk(chunk);
        runs.recordChunkFailure(chunk.runId(), chunk.chunkNo(), "SQLException: connection refused");

        SQSBatchResponse response = handler.handleRequest(EventFixtures.read(FIXTURE, SQSEvent.class),
                new TestContext());

        assertEquals(List.of(), SqsBatchTest.failedIds(response));
        Run run = runs.get(chunk.runId());
        assertEquals(RunStatus.PARTIAL, run.status());
        assertEquals(List.of(new Run.DeadChunk(1, 1, 41230, "SQLException: connection refused")), run.deadChunks());
        assertEquals(41230, records.errors(chunk.runId()).size());
        assertEquals("CHUNK_FAILED", records.errors(chunk.runId()).get(0).code());
    }

    @Test
    void aDeadMessageThatIsNoChunkMessageIsDeletedNotRetriedBecauseNoQueueIsBehindTheDlq() {
        ChunkMessage chunk = LoadFunctionTest.fixtureChunk();
        planAsTheOnlyChunk(chunk);
        SQSEvent event = EventFixtures.read(FIXTURE, SQSEvent.class);
        SQSEvent.SQSMessage garbled = new SQSEvent.SQSMessage();
        garbled.setMessageId("garbled-1");
        garbled.setBody("not json");
        List<SQSEvent.SQSMessage> messages = new ArrayList<>(event.getRecords());
        messages.add(garbled);
        event.setRecords(messages);

        SQSBatchResponse response = handler.handleRequest(event, new TestContext());

        assertEquals(List.of(), SqsBatchTest.failedIds(response));
        assertEquals(1, runs.get(chunk.runId()).chunksDead(), "the real chunk in the batch is still handled");
    }

    @Test
    void aDeadChunkOfAFinishedRunIsDroppedAndChangesNothing() {
        ChunkMessage chunk = LoadFunctionTest.fixtureChunk();
        planAsTheOnlyChunk(chunk);
        runs.fail(chunk.runId(), "SPLIT_FAILED", "failed");

        SQSBatchResponse response = handler.handleRequest(EventFixtures.read(FIXTURE, SQSEvent.class),
                new TestContext());

        assertEquals(List.of(), SqsBatchTest.failedIds(response));
        assertEquals(List.<RecordRepository.StoredError>of(), records.errors(chunk.runId()));
        assertEquals(0, runs.get(chunk.runId()).chunksDead());
    }

    private void planAsTheOnlyChunk(ChunkMessage chunk) {
        runs.put(Run.created(chunk.runId(), "local", chunk.datasetId(), "google-ads-march.csv", chunk.bucket(),
                chunk.key(), Run.RunSource.UPLOAD, RunStatus.CREATED, chunk.endByte(), Map.of(),
                Clock.systemUTC().instant()));
        runs.startSplitting(chunk.runId(), new ObjectVersion(chunk.eTag(), null), chunk.endByte());
        runs.recordPlannedChunks(chunk.runId(), List.of(chunk));
        runs.recordSplitProgress(chunk.runId(), chunk.recordCount(), 1);
        runs.finishSplitting(chunk.runId(), chunk.recordCount(), 1);
    }
}
