package dev.sluice.application.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.port.InMemoryPipelineMetrics;
import dev.sluice.application.twins.InMemoryChunkSender;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.upload.UploadLimits;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.DatasetLimits;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.dataset.SavedMapping;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a run's dataset decides in the splitter: which mapping is used (given, saved, suggested) and the limits. */
class SplitObjectDatasetTest {
    private static final String BUCKET = "uploads-bucket";
    private static final String GERMAN = "Tag,Kampagne,Kanal,Kosten\n2024-03-01,Frühling,Suche,12.50\n"
            + "2024-03-02,Sommer,Suche,3.00\n";
    private static final Map<String, String> GERMAN_MAPPING = Map.of("date", "Tag", "campaign", "Kampagne",
            "channel", "Kanal", "spend", "Kosten");

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC);
    private final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
    private final InMemoryRunRepository runs = new InMemoryRunRepository(clock);
    private final InMemoryDatasetRepository datasets = new InMemoryDatasetRepository();
    private final UploadLimits global = UploadLimits.defaults();
    private final SplitObject splitter = new SplitObject(objects, runs, new InMemoryChunkSender(),
            new SplitObject.SplitLimits(1024 * 1024, 1000, global.maxFileBytes()), null, global, datasets,
            new InMemoryPipelineMetrics(), clock);

    @Test
    void aGivenMappingIsUsedAndSavedThenProposedForTheNextFileWithTheSameHeader() {
        datasets.create(dataset("ds_1", DatasetLimits.GLOBAL));
        Run first = split("run-1", "ds_1", GERMAN, GERMAN_MAPPING);
        assertEquals(RunStatus.LOADING, first.status(), () -> first.failureMessage());
        assertEquals("given", first.fileFacts().mappingSource());
        SavedMapping saved = datasets.find("ds_1").orElseThrow().mapping();
        assertEquals(List.of("Tag", "Kampagne", "Kanal", "Kosten"), saved.header());
        assertEquals(GERMAN_MAPPING, saved.columns());

        Run second = split("run-2", "ds_1", GERMAN.replace("Sommer", "Herbst"), Map.of());
        assertEquals(RunStatus.LOADING, second.status(), () -> second.failureMessage());
        assertEquals("saved", second.fileFacts().mappingSource());
        assertEquals(first.fileFacts().mapping(), second.fileFacts().mapping());
    }

    @Test
    void aHeaderInAnyLetterCaseFitsTheSavedMappingButOneWithoutItsColumnsGetsTheSuggestion() {
        datasets.create(dataset("ds_1", DatasetLimits.GLOBAL));
        datasets.saveMapping("ds_1", new SavedMapping(List.of("Tag", "Kampagne", "Kanal", "Kosten"), GERMAN_MAPPING),
                clock.instant());
        Run lower = split("run-1", "ds_1", GERMAN.replace("Tag,Kampagne,Kanal", "tag,KAMPAGNE,kanal"), Map.of());
        assertEquals("saved", lower.fileFacts().mappingSource(), () -> lower.failureMessage());

        Run english = split("run-2", "ds_1", "Date,Campaign,Channel,Spend\n2024-03-01,spring,search,1.00\n",
                Map.of());
        assertEquals(RunStatus.LOADING, english.status(), () -> english.failureMessage());
        assertEquals("suggested", english.fileFacts().mappingSource());
        assertEquals(Map.of("date", "Date", "campaign", "Campaign", "channel", "Channel", "spend", "Spend"),
                english.fileFacts().mapping());
        assertEquals(GERMAN_MAPPING, datasets.find("ds_1").orElseThrow().mapping().columns(), "kept, not replaced");
    }

    @Test
    void aDatasetsLowerLimitsRefuseTheFileAndTheMessageNamesTheDatasetsSetting() {
        datasets.create(dataset("ds_narrow", new DatasetLimits(null, 2, null, null)));
        datasets.create(dataset("ds_short", new DatasetLimits(null, null, null, 1L)));
        datasets.create(dataset("ds_tiny", new DatasetLimits(10L, null, null, null)));
        datasets.create(dataset("ds_cells", new DatasetLimits(null, null, 5, null)));

        Run narrow = split("run-1", "ds_narrow", GERMAN, GERMAN_MAPPING);
        assertEquals("TOO_MANY_COLUMNS", narrow.failureCode());
        assertTrue(narrow.failureMessage().contains("the header has 4 columns; the limit is 2 (the dataset's "
                + "maxColumns)"), narrow.failureMessage());
        Run longer = split("run-2", "ds_short", GERMAN, GERMAN_MAPPING);
        assertEquals("TOO_MANY_RECORDS", longer.failureCode());
        assertTrue(longer.failureMessage().contains("more than 1 records (the dataset's maxRecords)"),
                longer.failureMessage());
        Run big = split("run-3", "ds_tiny", GERMAN, GERMAN_MAPPING);
        assertEquals("FILE_TOO_LARGE", big.failureCode());
        assertTrue(big.failureMessage().contains("the limit is 10 bytes (the dataset's maxFileBytes)"),
                big.failureMessage());
        Run wide = split("run-4", "ds_cells", GERMAN, GERMAN_MAPPING);
        assertEquals("FIELD_TOO_LONG", wide.failureCode());
        assertTrue(wide.failureMessage().contains("longer than 5 bytes (the dataset's maxFieldBytes)"),
                wide.failureMessage());
    }

    @Test
    void aLimitAboveTheGlobalOneIsTheGlobalOne() {
        datasets.create(dataset("ds_1", new DatasetLimits(null, global.maxColumns() + 1, null, null)));
        String wide = "date,campaign,channel,spend," + "x,".repeat(global.maxColumns()) + "y\n2024-03-01,a,b,1\n";
        Run run = split("run-1", "ds_1", wide, Map.of());
        assertEquals("TOO_MANY_COLUMNS", run.failureCode());
        assertTrue(run.failureMessage().contains("(MAX_COLUMNS)"), run.failureMessage());
    }

    @Test
    void aPartnersDropCreatesThePartnersDatasetOnceAndImportsIntoIt() {
        UploadLimits withPartner = new UploadLimits(global.maxFileBytes(), global.maxDecompressedBytes(),
                global.maxColumns(), global.maxFieldBytes(), global.maxRecordsPerFile(), global.maxUploadsPerHour(),
                global.multipartThreshold(), global.partBytes(),
                Map.of("acme", new UploadLimits.Partner("owner-9", "acme-ads")));
        SplitObject partnerSplitter = new SplitObject(objects, runs, new InMemoryChunkSender(),
                new SplitObject.SplitLimits(1024 * 1024, 1000, global.maxFileBytes()), null, withPartner, datasets,
                new InMemoryPipelineMetrics(), clock);
        for (String name : List.of("a.csv", "b.csv")) {
            String key = "drop/acme/" + name;
            String content = "Date,Campaign,Channel,Spend\n2024-03-01,spring,search,1.00\n";
            objects.put(BUCKET, key, content, "etag-" + name);
            SplitObject.Result result = partnerSplitter.split(new S3ObjectEvent(BUCKET, key, content.length(),
                    "etag-" + name, "seq-" + name), false);
            assertEquals(SplitObject.Outcome.SPLIT, result.outcome());
            assertEquals("acme-ads", runs.get(result.runId()).datasetId());
        }
        Dataset acme = datasets.find("acme-ads").orElseThrow();
        assertEquals("owner-9", acme.owner());
        assertEquals(DatasetKind.MARKETING, acme.kind());
        assertEquals(List.of(acme), datasets.listByOwner("owner-9"));
    }

    @Test
    void aRunWhoseDatasetWasDeletedFailsBeforeAnyChunkIsSent() {
        InMemoryChunkSender chunks = new InMemoryChunkSender();
        SplitObject watched = new SplitObject(objects, runs, chunks,
                new SplitObject.SplitLimits(1024 * 1024, 1000, global.maxFileBytes()), null, global, datasets,
                new InMemoryPipelineMetrics(), clock);
        String key = "uploads/owner-1/run-1/report.csv";
        runs.put(Run.created("run-1", "owner-1", "ds_gone", "report.csv", BUCKET, key, Run.RunSource.UPLOAD,
                RunStatus.CREATED, GERMAN.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, GERMAN_MAPPING,
                clock.instant()));
        objects.put(BUCKET, key, GERMAN, "etag-1");
        SplitObject.Result result = watched.split(new S3ObjectEvent(BUCKET, key,
                GERMAN.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, "etag-1", "seq-1"), false);

        assertEquals(SplitObject.Outcome.FAILED, result.outcome());
        Run run = runs.get("run-1");
        assertEquals(RunStatus.FAILED, run.status());
        assertEquals("DATASET_NOT_FOUND", run.failureCode());
        assertEquals("File 'report.csv' was not imported: its dataset 'ds_gone' no longer exists (it was deleted). "
                + "Nothing was imported; import the file into another dataset.", run.failureMessage());
        assertEquals(List.of(), chunks.sent(), "nothing is loaded");
        assertEquals(java.util.Optional.empty(), datasets.find("ds_gone"), "the dataset is not created again");
    }

    private Run split(String runId, String datasetId, String content, Map<String, String> mapping) {
        String key = "uploads/owner-1/" + runId + "/report.csv";
        runs.put(Run.created(runId, "owner-1", datasetId, "report.csv", BUCKET, key, Run.RunSource.UPLOAD,
                RunStatus.CREATED, content.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, mapping,
                clock.instant()));
        objects.put(BUCKET, key, content, "etag-" + runId);
        splitter.split(new S3ObjectEvent(BUCKET, key, content.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                .length, "etag-" + runId, "seq-" + runId), false);
        return runs.get(runId);
    }

    private Dataset dataset(String id, DatasetLimits limits) {
        return new Dataset(id, id, "owner-1", DatasetKind.MARKETING, SavedMapping.NONE, ReadingSettings.AUTO, limits,
                false, clock.instant(), clock.instant());
    }
}
