package dev.sluice.application.rerun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.InMemoryPipelineMetrics;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.split.S3ObjectEvent;
import dev.sluice.application.split.SplitObject;
import dev.sluice.application.twins.InMemoryChunkSender;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRecordRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.dataset.ReadingSettings.DateOrder;
import dev.sluice.domain.dataset.ReadingSettings.DecimalStyle;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Re-running a finished run from its kept file, against twins of the ports, in ms. */
class RerunRunTest {
    private static final String BUCKET = "uploads-bucket";
    private static final String KEY = "uploads/owner-1/run-1/spring.csv";
    private static final String FILE = "Day,Campaign,Channel,Cost\n2024-03-01,Spring,search,1.00\n";
    private static final Caller OWNER = new Caller("owner-1", false);
    private static final RerunRun.Request NOTHING_NEW = new RerunRun.Request(Map.of(), null);

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T08:00:00Z"), ZoneOffset.UTC);
    private final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
    private final InMemoryRunRepository runs = new InMemoryRunRepository(clock);
    private final InMemoryChunkSender chunks = new InMemoryChunkSender();
    private final RerunRun rerun = new RerunRun(new RunQueries(runs, new InMemoryRecordRepository()), runs,
            objects, clock);
    private final SplitObject splitter = new SplitObject(objects, runs, chunks,
            new SplitObject.SplitLimits(1024 * 1024, 1000, 1_000_000), new InMemoryPipelineMetrics(), clock);

    /** run-1 imported FILE (split only: its status is then set as a test needs). */
    private Run imported(RunStatus status) {
        byte[] bytes = FILE.getBytes(StandardCharsets.UTF_8);
        runs.create(Run.created("run-1", "owner-1", "ds-1", "spring.csv", BUCKET, KEY, Run.RunSource.UPLOAD,
                RunStatus.CREATED, bytes.length, Map.of("date", "Day", "spend", "Cost"), clock.instant()));
        objects.put(BUCKET, KEY, bytes, "etag-1");
        splitter.split(new S3ObjectEvent(BUCKET, KEY, bytes.length, "etag-1", "seq-1"), false);
        runs.put(withStatus(runs.get("run-1"), status));
        return runs.get("run-1");
    }

    @Test
    void aRerunIsANewRunOfTheSameFileCopiedToItsOwnKeyThatTheSplitterThenImports() {
        imported(RunStatus.PARTIAL);
        // Pinned settings the file agrees with: the splitter reads the re-run with them (and says so).
        ReadingSettings settings = new ReadingSettings("UTF-8", ",", 0, DateOrder.DMY, DecimalStyle.AUTO);

        Run created = rerun.rerun(OWNER, "run-1", () -> new RerunRun.Request(Map.of("date", "Day",
                "campaign", "Channel", "channel", "Campaign"), settings));

        assertNotEquals("run-1", created.runId());
        assertEquals(RunStatus.CREATED, created.status());
        assertEquals("run-1", created.rerunOf());
        assertEquals(settings, created.rerun().settings());
        assertEquals(List.of("owner-1", "ds-1", "spring.csv"), List.of(created.owner(), created.datasetId(),
                created.fileName()));
        String key = "uploads/owner-1/" + created.runId() + "/spring.csv";
        assertEquals(key, created.key());
        assertEquals(List.of(KEY + " -> " + key), objects.copies());
        assertTrue(created.upload().allowDuplicate(), "a deliberate re-import is no duplicate");
        assertEquals(Map.of("date", "Day", "campaign", "Channel", "channel", "Campaign"), created.requestedMapping());

        long size = FILE.getBytes(StandardCharsets.UTF_8).length;
        SplitObject.Result split = splitter.split(new S3ObjectEvent(BUCKET, key, size, "copy-1", "seq-2"), false);
        assertEquals(SplitObject.Outcome.SPLIT, split.outcome(), "the copy's notification imports it");
        assertEquals("Channel", runs.get(created.runId()).fileFacts().mapping().get("campaign"));
        assertEquals("setting", runs.get(created.runId()).fileFacts().decisions().delimiterFrom(),
                "the re-run's pinned delimiter is the one the splitter used");
    }

    @Test
    void withoutAMappingTheRerunAsksForWhatTheOldRunAskedFor() {
        imported(RunStatus.SUCCEEDED);

        Run created = rerun.rerun(OWNER, "run-1", () -> NOTHING_NEW);

        assertEquals(Map.of("date", "Day", "spend", "Cost"), created.requestedMapping());
        assertEquals(null, created.rerun().settings());
    }

    @Test
    void onlyAFinishedRunWithAKeptFileCanBeRerun() {
        imported(RunStatus.LOADING);
        InvalidRequestException busy = assertThrows(InvalidRequestException.class,
                () -> rerun.rerun(OWNER, "run-1", () -> NOTHING_NEW));
        assertEquals(List.of("RUN_NOT_FINAL", "409"), List.of(busy.code(), String.valueOf(busy.httpStatus())));

        runs.put(withStatus(runs.get("run-1"), RunStatus.SUCCEEDED));
        objects.delete(BUCKET, KEY);
        InvalidRequestException gone = assertThrows(InvalidRequestException.class,
                () -> rerun.rerun(OWNER, "run-1", () -> NOTHING_NEW));
        assertEquals(List.of("FILE_EXPIRED", "410"), List.of(gone.code(), String.valueOf(gone.httpStatus())));
        assertTrue(gone.getMessage().contains("kept for 30 days"), gone.getMessage());
        assertEquals(1, runs.all().size(), "no run was created");
    }

    @Test
    void aFileReplacedUnderTheOldRunIsExpiredAndTheNewRunEndsFailed() {
        imported(RunStatus.SUCCEEDED);
        objects.put(BUCKET, KEY, "other".getBytes(StandardCharsets.UTF_8), "etag-2");

        InvalidRequestException gone = assertThrows(InvalidRequestException.class,
                () -> rerun.rerun(OWNER, "run-1", () -> NOTHING_NEW));

        assertEquals("FILE_EXPIRED", gone.code());
        Run failed = runs.all().stream().filter(r -> !r.runId().equals("run-1")).findFirst().orElseThrow();
        assertEquals(RunStatus.FAILED, failed.status());
        assertEquals("FILE_EXPIRED", failed.failureCode());
    }

    @Test
    void aRunThatNeverReadAFileHasNothingToRerun() {
        runs.create(Run.created("run-9", "owner-1", "ds-1", "late.csv", BUCKET, "uploads/owner-1/run-9/late.csv",
                Run.RunSource.UPLOAD, RunStatus.CREATED, 10, Map.of(), clock.instant()));
        runs.put(withStatus(runs.get("run-9"), RunStatus.EXPIRED));

        InvalidRequestException none = assertThrows(InvalidRequestException.class,
                () -> rerun.rerun(OWNER, "run-9", () -> NOTHING_NEW));

        assertEquals(List.of("NO_FILE", "409"), List.of(none.code(), String.valueOf(none.httpStatus())));
    }

    @Test
    void someoneElsesRunIsNotFoundBeforeTheRequestIsEvenRead() {
        imported(RunStatus.SUCCEEDED);

        InvalidRequestException hidden = assertThrows(InvalidRequestException.class,
                () -> rerun.rerun(new Caller("someone-else", false), "run-1", () -> {
                    throw new AssertionError("the request is read only for a run the caller may see");
                }));

        assertEquals(404, hidden.httpStatus());
        assertEquals(List.of(), objects.copies());
    }

    @Test
    void rerunSettingsWinOverTheDatasetsWhereverTheyAreNotAuto() {
        Dataset dataset = Dataset.implicit("ds-1", "owner-1");
        dataset = new Dataset(dataset.id(), dataset.name(), dataset.owner(), dataset.kind(), dataset.mapping(),
                new ReadingSettings("UTF-16LE", "\t", 3, DateOrder.MDY, DecimalStyle.POINT), dataset.limits(),
                false, dataset.createdAt(), dataset.updatedAt());
        Run run = Run.created("run-2", "owner-1", "ds-1", "a.csv", BUCKET, "k", Run.RunSource.UPLOAD,
                RunStatus.CREATED, 1, Map.of(), clock.instant());

        assertEquals(dataset, RerunRun.withRerunSettings(dataset, run), "no re-run settings: the dataset's");
        Run overriding = run.withRerun(new Run.Rerun("run-1", new ReadingSettings("auto", ";", 0, DateOrder.DMY,
                DecimalStyle.AUTO)));
        assertEquals(new ReadingSettings("UTF-16LE", ";", 3, DateOrder.DMY, DecimalStyle.POINT),
                RerunRun.withRerunSettings(dataset, overriding).settings());
    }

    private static Run withStatus(Run r, RunStatus status) {
        return new Run(r.runId(), r.owner(), r.datasetId(), r.fileName(), r.bucket(), r.key(), r.source(), status,
                r.contentLength(), r.createdAt(), r.updatedAt(), r.finishedAt(), r.records(), r.stored(), r.errors(),
                r.chunksTotal(), r.chunksPlanned(), r.chunksDone(), r.chunksDead(), r.deadChunks(),
                r.requestedMapping(), r.fileFacts(), r.failureCode(), r.failureMessage(), r.bytesTotal(),
                r.bytesDone(), r.objectETag(), r.objectVersionId(), r.upload(), r.rerun());
    }
}
