package dev.sluice.application.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.port.InMemoryPipelineMetrics;
import dev.sluice.application.twins.InMemoryChunkSender;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.upload.UploadLimits;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.csv.DateOrder;
import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.csv.ReadingDecisions;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The splitter use case against twins of its ports: each rule of one notification, in milliseconds. */
class SplitObjectTest {
    private static final String BUCKET = "uploads-bucket";
    private static final String KEY = "uploads/owner-1/run-1/report.csv";
    private static final int RECORDS_PER_CHUNK = 2;
    private static final long MAX_FILE_BYTES = 10_000;

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC);
    private final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
    private final InMemoryRunRepository runs = new InMemoryRunRepository(clock);
    private final InMemoryChunkSender chunks = new InMemoryChunkSender();
    private final InMemoryPipelineMetrics metrics = new InMemoryPipelineMetrics();
    private final SplitObject splitter = new SplitObject(objects, runs, chunks,
            new SplitObject.SplitLimits(1024 * 1024, RECORDS_PER_CHUNK, MAX_FILE_BYTES), metrics, clock);

    @Test
    void aFileIsCutIntoPlannedChunksAndItsRunMovesToLoadingWithTheTotals() {
        S3ObjectEvent event = upload(csv(5), "etag-1");
        SplitObject.Result result = splitter.split(event, false);

        assertEquals(SplitObject.Outcome.SPLIT, result.outcome());
        Run run = runs.get("run-1");
        assertEquals(RunStatus.LOADING, run.status());
        assertEquals(5, run.records());
        assertEquals(3, run.chunksTotal(), "5 records, at most 2 per chunk");
        assertEquals(List.of(1, 2, 3), chunks.sent().stream().map(ChunkMessage::chunkNo).toList());
        assertEquals(List.of(1, 2, 3), runs.plannedChunks("run-1"));
        assertTrue(chunks.sent().stream().allMatch(c -> "etag-1".equals(c.eTag())), "every chunk reads that version");
        assertEquals(List.of("runStarted"), metrics.events());
    }

    @Test
    void nothingIsSentUntilTheWholeFilePassedItsChecksThenBatchesOfTenEachPlannedBeforeItIsSent() {
        List<String> seenAtSend = new ArrayList<>();
        chunks.onSend(batch -> seenAtSend.add(batch.size() + " chunks, run " + runs.get("run-1").status()
                + ", planned " + runs.plannedChunks("run-1").size()));
        splitter.split(upload(csv(25), "etag-1"), false);

        // A duplicate or a limit is known only at the end of the file: a chunk sent before then could not be
        // taken back, so the 13 chunks go out after the scan, in full batches of ten and the rest.
        assertEquals(List.of("10 chunks, run SPLITTING, planned 10", "3 chunks, run SPLITTING, planned 13"),
                seenAtSend);
    }

    @Test
    void aPlanThatFitsOneSendEndsTheSplitBeforeItGoesOutAndOnlyARedeliveryOfTheEventSendsItAgain() {
        SplitObject resending = new SplitObject(objects, runs, chunks,
                new SplitObject.SplitLimits(1024 * 1024, RECORDS_PER_CHUNK, MAX_FILE_BYTES), metrics, clock)
                .resendingFrom(runs);
        List<String> seenAtSend = new ArrayList<>();
        chunks.onSend(batch -> {
            Run run = runs.get("run-1");
            seenAtSend.add(batch.size() + " chunks, run " + run.status() + ", planned " + run.chunksPlanned()
                    + " of " + run.chunksTotal());
            if (seenAtSend.size() == 1) {
                throw new IllegalStateException("the splitter died before its chunks went out");
            }
        });
        S3ObjectEvent event = upload(csv(5), "etag-1");
        assertThrows(IllegalStateException.class, () -> resending.split(event, false));
        // Every loader finds the run LOADING with its totals, so the last one can finish it as it counts.
        assertEquals(List.of("3 chunks, run LOADING, planned 3 of 3"), seenAtSend);

        assertEquals(SplitObject.Outcome.SKIPPED_DUPLICATE, resending.split(event, false, false).outcome());
        assertEquals(1, seenAtSend.size(), "a first delivery (a duplicate notification) sends nothing");

        runs.countChunk("run-1", 2, 2, 0, 10);
        assertEquals(SplitObject.Outcome.SKIPPED_DUPLICATE, resending.split(event, false, true).outcome());
        assertEquals(List.of(1, 3), chunks.sent().stream().map(ChunkMessage::chunkNo).toList(),
                "the redelivery sends the planned chunks not counted yet");
    }

    @Test
    void aFailedReadBeforeTheLastAttemptIsThrownSoSqsDeliversTheNotificationAgain() {
        S3ObjectEvent event = upload(csv(3), "etag-1");
        objects.failReads(1);

        assertThrows(UncheckedIOException.class, () -> splitter.split(event, false));
        assertEquals(RunStatus.SPLITTING, runs.get("run-1").status(), "not failed: a later delivery may succeed");

        assertEquals(SplitObject.Outcome.SPLIT, splitter.split(event, false).outcome(), "the redelivery splits");
        assertEquals(RunStatus.LOADING, runs.get("run-1").status());
    }

    @Test
    void aFailedReadOnTheLastAttemptEndsTheRunFailedInsteadOfLeavingItSplitting() {
        S3ObjectEvent event = upload(csv(3), "etag-1");
        objects.failReads(1);

        SplitObject.Result result = splitter.split(event, true);

        assertEquals(SplitObject.Outcome.FAILED, result.outcome());
        assertEquals("SPLIT_FAILED", result.failureCode().orElseThrow());
        Run run = runs.get("run-1");
        assertEquals(RunStatus.FAILED, run.status());
        assertTrue(run.failureMessage().contains("Re-upload"), run.failureMessage());
        assertEquals(List.of("runStarted", "runFinished FAILED"), metrics.events());
        assertEquals(List.of(), chunks.sent());
    }

    @Test
    void aFileOverTheSizeLimitEndsTheRunFailedWithoutBeingRead() {
        S3ObjectEvent event = new S3ObjectEvent(BUCKET, KEY, MAX_FILE_BYTES + 1, "etag-1", "seq-1");
        createRun(MAX_FILE_BYTES + 1);
        objects.put(BUCKET, KEY, csv(3), "etag-1");

        SplitObject.Result result = splitter.split(event, false);

        assertEquals("FILE_TOO_LARGE", result.failureCode().orElseThrow());
        assertEquals(RunStatus.FAILED, runs.get("run-1").status());
        assertEquals("File 'report.csv' is 10001 bytes; the limit is 10000 bytes (MAX_FILE_BYTES)."
                + " Nothing was imported.",
                runs.get("run-1").failureMessage());
        assertEquals(0, objects.reads());
    }

    @Test
    void aRepeatedNotificationIsSkippedAndSendsNoChunkAgain() {
        S3ObjectEvent event = upload(csv(3), "etag-1");
        splitter.split(event, false);
        int sent = chunks.sent().size();

        assertEquals(SplitObject.Outcome.SKIPPED_DUPLICATE, splitter.split(event, false).outcome());
        assertEquals(sent, chunks.sent().size());
        assertEquals(List.of("runStarted"), metrics.events(), "one run started, not two");
    }

    @Test
    void aNotificationForAnotherVersionOfTheFileIsSkippedOnceTheSplitStarted() {
        splitter.split(upload(csv(3), "etag-1"), false);
        objects.put(BUCKET, KEY, csv(4), "etag-2");
        S3ObjectEvent secondPut = new S3ObjectEvent(BUCKET, KEY, csv(4).length(), "etag-2", "seq-2");

        assertEquals(SplitObject.Outcome.SKIPPED_OTHER_VERSION, splitter.split(secondPut, false).outcome());
        assertEquals(3, runs.get("run-1").records(), "the run keeps the file it started with");
    }

    @Test
    void aFileWithoutTheRequiredColumnsEndsTheRunFailedWithMissingColumns() {
        SplitObject.Result result = splitter.split(upload("Day,Spend\n2024-03-01,1.50\n", "etag-1"), false);
        assertEquals("MISSING_COLUMNS", result.failureCode().orElseThrow());
        assertEquals(RunStatus.FAILED, runs.get("run-1").status());
        assertEquals(List.of(), chunks.sent());
    }

    @Test
    void anObjectThatBelongsToNoRunIsIgnored() {
        objects.put(BUCKET, "exports/report.csv", csv(1), "etag-1");
        SplitObject.Result result = splitter.split(new S3ObjectEvent(BUCKET, "exports/report.csv", 50, "etag-1",
                "seq-1"), true);
        assertEquals(SplitObject.Outcome.IGNORED, result.outcome());
        assertEquals(List.of(), runs.all());
    }

    @Test
    void aPartnerDropCreatesOneRunEvenWhenItsNotificationIsDeliveredTwice() {
        String key = "drop/acme/2026-12/report.csv";
        objects.put(BUCKET, key, csv(3), "etag-1");
        S3ObjectEvent event = new S3ObjectEvent(BUCKET, key, csv(3).length(), "etag-1", "seq-1");

        SplitObject.Result first = splitter.split(event, false);
        SplitObject.Result repeat = splitter.split(event, false);

        assertEquals(first.runId(), repeat.runId());
        assertEquals(1, runs.all().size());
        assertEquals("partner:acme", runs.get(first.runId()).owner());
        assertEquals(SplitObject.Outcome.SKIPPED_DUPLICATE, repeat.outcome());
    }

    /** A CSV of {@code records} valid records, each of the same length. */
    static String csv(int records) {
        StringBuilder csv = new StringBuilder("Date,Campaign,Channel,Spend\n");
        for (int i = 1; i <= records; i++) {
            csv.append("2024-03-").append(String.format("%02d", 1 + i % 28)).append(",Spring,search,")
                    .append(String.format("%d.50", 10 + i % 90)).append('\n');
        }
        return csv.toString();
    }

    @Test
    void theDatasetsPinnedReadingSettingsDecideAndTheRunAndEveryChunkCarryTheDecisions() {
        InMemoryDatasetRepository datasets = new InMemoryDatasetRepository();
        datasets.create(new Dataset("default", "Spring", "owner-1", DatasetKind.MARKETING, null,
                new ReadingSettings("auto", ";", 0, ReadingSettings.DateOrder.DMY, ReadingSettings.DecimalStyle.AUTO),
                null, false, clock.instant(), clock.instant()));
        SplitObject pinned = new SplitObject(objects, runs, chunks, new SplitObject.SplitLimits(1024 * 1024,
                RECORDS_PER_CHUNK, MAX_FILE_BYTES), null, UploadLimits.defaults(), datasets, metrics, clock);
        String content = "Date;Campaign;Channel;Spend\n01/02/2024;A,B;g;1,50\n03/04/2024;C;g;2,00\n"
                + "05/06/2024;D;g;3,00\n";

        assertEquals(SplitObject.Outcome.SPLIT, pinned.split(upload(content, "etag-1"), false).outcome());

        ReadingDecisions decisions = runs.get("run-1").fileFacts().decisions();
        assertEquals("setting", decisions.delimiterFrom());
        assertEquals(new ReadingDecisions.Column("Date", "date", "date", "dmy", null, null, null, "setting"),
                decisions.columns().get(0));
        assertEquals(2, chunks.sent().size());
        for (ChunkMessage chunk : chunks.sent()) {
            assertEquals(DateOrder.DMY, chunk.formats().dateOrders().get("Date"), "every chunk reads day first");
            assertEquals(NumberStyle.EUROPEAN, chunk.formats().numberStyles().get("Spend"));
        }
    }

    private S3ObjectEvent upload(String content, String eTag) {
        createRun(content.length());
        objects.put(BUCKET, KEY, content, eTag);
        return new S3ObjectEvent(BUCKET, KEY, content.length(), eTag, "seq-1");
    }

    private void createRun(long contentLength) {
        runs.put(Run.created("run-1", "owner-1", "default", "report.csv", BUCKET, KEY, Run.RunSource.UPLOAD,
                RunStatus.CREATED, contentLength, Map.of(), clock.instant()));
    }
}
