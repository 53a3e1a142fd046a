package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.port.PipelineMetrics;
import dev.sluice.application.split.S3ObjectEvent;
import dev.sluice.application.split.SplitObject;
import dev.sluice.application.twins.InMemoryChunkSender;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IngestQueue's handler fed events/sqs-ingest-s3-event.json, with the splitter's ports as twins. */
class SplitFunctionEventTest {
    private static final String FIXTURE = "sqs-ingest-s3-event.json";
    private static final String BUCKET = "sluice-uploads-123456789012";
    private static final String KEY = "drop/acme/2026-11/Campaign report (EU).csv";
    private static final String ETAG = "d41d8cd98f00b204e9800998ecf8427e";
    private static final int MAX_RECEIVE_COUNT = 5;

    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-29T14:05:20Z"), ZoneOffset.UTC);
    private final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
    private final InMemoryRunRepository runs = new InMemoryRunRepository(clock);
    private final InMemoryChunkSender chunks = new InMemoryChunkSender();
    private final SplitFunction handler = new SplitFunction(new SplitObject(objects, runs, chunks,
            new SplitObject.SplitLimits(1 << 20, 2, 1 << 20), PipelineMetrics.none(), clock), MAX_RECEIVE_COUNT);

    @Test
    void aPartnerDropNotificationStartsARunWhoseChunksGoToChunkQueue() {
        objects.put(BUCKET, KEY, "Date,Campaign,Channel\n2026-11-01,Autumn,search\n2026-11-02,Autumn,social\n"
                + "2026-11-03,Autumn,email\n", ETAG);

        SQSBatchResponse response = handler.handleRequest(EventFixtures.read(FIXTURE, SQSEvent.class),
                new TestContext());

        assertEquals(List.of(), SqsBatchTest.failedIds(response));
        Run run = runs.all().get(0);
        assertEquals("partner:acme", run.owner());
        assertEquals("Campaign report (EU).csv", run.fileName());
        assertEquals(RunStatus.LOADING, run.status());
        assertEquals(List.of(1, 2), chunks.sent().stream().map(ChunkMessage::chunkNo).toList());
    }

    @Test
    void aRedeliveryOfTheNotificationSendsTheChunksASplitThatDiedAfterItsEndLeftUnsent() {
        SplitFunction resending = new SplitFunction(new SplitObject(objects, runs, chunks,
                new SplitObject.SplitLimits(1 << 20, 2, 1 << 20), PipelineMetrics.none(), clock)
                .resendingFrom(runs), MAX_RECEIVE_COUNT);
        objects.put(BUCKET, KEY, "Date,Campaign,Channel\n2026-11-01,Autumn,search\n", ETAG);
        chunks.onSend(batch -> {
            if (chunks.sent().isEmpty()) {
                throw new IllegalStateException("ChunkQueue unreachable");
            }
        });
        SQSEvent event = EventFixtures.read(FIXTURE, SQSEvent.class);
        assertEquals(List.of("7b6e2f3c-1d4a-4b8e-9f0a-2c3d4e5f6a7b"),
                SqsBatchTest.failedIds(resending.handleRequest(event, new TestContext())));
        assertEquals(RunStatus.LOADING, runs.all().get(0).status(), "the split ended before the send failed");
        chunks.onSend(batch -> {
        });

        event.getRecords().get(0).getAttributes().put(SqsBatch.RECEIVE_COUNT, "2");
        assertEquals(List.of(), SqsBatchTest.failedIds(resending.handleRequest(event, new TestContext())));
        assertEquals(List.of(1), chunks.sent().stream().map(ChunkMessage::chunkNo).toList());
    }

    @Test
    void aFailedSplitBeforeTheLastDeliveryIsReportedSoSqsDeliversItAgain() {
        objects.put(BUCKET, KEY, "Date,Campaign,Channel\n2026-11-01,Autumn,search\n", ETAG);
        objects.failReads(1);

        SQSBatchResponse response = handler.handleRequest(EventFixtures.read(FIXTURE, SQSEvent.class),
                new TestContext());

        assertEquals(List.of("7b6e2f3c-1d4a-4b8e-9f0a-2c3d4e5f6a7b"), SqsBatchTest.failedIds(response));
        assertEquals(RunStatus.SPLITTING, runs.all().get(0).status());
    }

    @Test
    void onTheDeliveryThatReachesMaxReceiveCountAFailedSplitEndsTheRunFailedAndIsAcknowledged() {
        objects.put(BUCKET, KEY, "Date,Campaign,Channel\n2026-11-01,Autumn,search\n", ETAG);
        objects.failReads(1);
        SQSEvent event = EventFixtures.read(FIXTURE, SQSEvent.class);
        event.getRecords().get(0).getAttributes().put(SqsBatch.RECEIVE_COUNT, Integer.toString(MAX_RECEIVE_COUNT));

        SQSBatchResponse response = handler.handleRequest(event, new TestContext());

        assertEquals(List.of(), SqsBatchTest.failedIds(response));
        Run run = runs.all().get(0);
        assertEquals(RunStatus.FAILED, run.status());
        assertEquals("SPLIT_FAILED", run.failureCode());
    }

    @Test
    void readsTheObjectFromARealS3NotificationInsideAnSqsEvent() throws Exception {
        String body = json.readTree(Files.readString(Path.of("../events/sqs-ingest-s3-event.json")))
                .path("Records").get(0).path("body").asText();
        List<S3ObjectEvent> objects = SplitFunction.parse(json, body);
        assertEquals(1, objects.size());
        S3ObjectEvent object = objects.get(0);
        assertEquals("sluice-uploads-123456789012", object.bucket());
        assertEquals("drop/acme/2026-11/Campaign report (EU).csv", object.key(), "'+' is a space, %28 a parenthesis");
        assertEquals(1024, object.size());
        assertEquals("0065F1E3A4B1C2D3E4", object.sequencer());
    }

    @Test
    void ignoresTheTestEventS3SendsWhenNotificationsAreConfigured() {
        String testEvent = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\","
                + "\"Time\":\"2026-11-22T10:00:00.000Z\",\"Bucket\":\"sluice-uploads\","
                + "\"RequestId\":\"5582815E1AEA5ADF\","
                + "\"HostId\":\"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE\"}";
        assertTrue(SplitFunction.parse(json, testEvent).isEmpty());
    }
}
