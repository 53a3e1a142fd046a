package dev.sluice.application.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.dataset.DatasetForRun;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.DatasetLimits;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.dataset.SavedMapping;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The upload use case against twins of its ports. */
class CreateUploadTest {
    private static final Duration URL_TTL = Duration.ofMinutes(15);
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC);
    private final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
    private final InMemoryRunRepository runs = new InMemoryRunRepository(clock);
    private final InMemoryDatasetRepository datasets = new InMemoryDatasetRepository();

    @Test
    void aRunWaitsForItsUploadAndThePresignedPutAllowsExactlyItsKeyTypeAndLength() {
        CreateUpload.Created created = createUpload(1_000_000).create(request("report.csv", 1234));

        Run run = created.run();
        assertEquals(RunStatus.CREATED, run.status());
        assertEquals(List.of(run), runs.all());
        assertEquals("uploads/owner-1/" + run.runId() + "/report.csv", run.key());
        assertEquals(Map.of("spend", "Cost"), run.requestedMapping());
        assertEquals(List.of("uploads-bucket/" + run.key() + " text/csv 1234"), objects.presigned());
        assertEquals(clock.instant().plus(URL_TTL), created.upload().expiresAt());
    }

    @Test
    void aFileOverTheLimitIsRefusedWith413AndCreatesNoRunAndNoUrl() {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> createUpload(1000).create(request("big.csv", 1001)));
        assertEquals("FILE_TOO_LARGE", refused.code());
        assertEquals(413, refused.httpStatus());
        assertEquals("'big.csv' is 1001 bytes; uploads are limited to 1000 bytes (MAX_FILE_BYTES)",
                refused.getMessage());
        assertEquals(List.of(), runs.all());
        assertEquals(List.of(), objects.presigned());
    }

    @Test
    void aFileOverWhatOneS3PutCanCarryIsOfferedAsPartsThatAddUpToIt() {
        long tooBigForOnePut = CreateUpload.SINGLE_PUT_LIMIT + 1;
        CreateUpload.Created created = createUpload(Long.MAX_VALUE).create(request("huge.csv", tooBigForOnePut));
        assertNull(created.upload(), "no single PUT URL");
        CreateUpload.Multipart multipart = created.multipart();
        assertTrue(multipart.parts().size() <= 10_000, "S3 takes at most 10,000 parts");
        assertEquals(tooBigForOnePut, multipart.parts().stream().mapToLong(CreateUpload.Part::size).sum());
        assertTrue(multipart.parts().stream().allMatch(p -> p.size() <= CreateUpload.SINGLE_PUT_LIMIT));
    }

    @Test
    void theKeyCarriesASafeFormOfTheNameWhileTheRunKeepsTheNameAsGiven() {
        Run run = createUpload(1_000_000).create(request("Q3: spend*report.csv", 10)).run();
        assertEquals("Q3: spend*report.csv", run.fileName());
        assertTrue(run.key().endsWith("/Q3_ spend_report.csv"), run.key());
    }

    @Test
    void everyUploadIsANewRunWithItsOwnKey() {
        CreateUpload upload = createUpload(1_000_000);
        Run first = upload.create(request("report.csv", 10)).run();
        Run second = upload.create(request("report.csv", 10)).run();
        assertTrue(!first.runId().equals(second.runId()) && !first.key().equals(second.key()));
        assertEquals(2, runs.all().size());
    }

    @Test
    void anUploadWithoutADatasetGoesIntoTheOwnersDefaultOneCreatedOnFirstUse() {
        Run first = createUpload(1_000_000).create(request("a.csv", 10)).run();
        Run second = createUpload(1_000_000).create(request("b.csv", 10)).run();
        Dataset fallback = datasets.find(first.datasetId()).orElseThrow();
        assertTrue(fallback.isDefault());
        assertEquals("owner-1", fallback.owner());
        assertEquals(DatasetKind.MARKETING, fallback.kind());
        assertEquals(first.datasetId(), second.datasetId());
        assertEquals(1, datasets.listByOwner("owner-1").size());
    }

    @Test
    void anUploadGoesIntoTheNamedDatasetOfItsOwnerAndAnyOtherIdIsNotFound() {
        datasets.create(dataset("ds_mine", "owner-1", DatasetLimits.GLOBAL));
        datasets.create(dataset("ds_theirs", "owner-2", DatasetLimits.GLOBAL));
        Run run = createUpload(1_000_000).create(withDataset("ds_mine", 10)).run();
        assertEquals("ds_mine", run.datasetId());
        for (String other : List.of("ds_theirs", "ds_missing")) {
            InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                    () -> createUpload(1_000_000).create(withDataset(other, 10)));
            assertEquals("NOT_FOUND", refused.code());
            assertEquals(404, refused.httpStatus());
            assertEquals("No dataset with id '" + other + "'", refused.getMessage());
        }
        assertEquals(1, runs.all().size());
    }

    @Test
    void aDatasetsLowerFileLimitRefusesTheUploadAndSaysItIsTheDatasets() {
        datasets.create(dataset("ds_small", "owner-1", new DatasetLimits(100L, null, null, null)));
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> createUpload(1_000_000).create(withDataset("ds_small", 101)));
        assertEquals("FILE_TOO_LARGE", refused.code());
        assertEquals("'big.csv' is 101 bytes; uploads are limited to 100 bytes (the dataset's maxFileBytes)",
                refused.getMessage());
        assertEquals(List.of(), runs.all());
    }

    private Dataset dataset(String id, String owner, DatasetLimits limits) {
        return new Dataset(id, id, owner, DatasetKind.MARKETING, SavedMapping.NONE, ReadingSettings.AUTO, limits,
                false, clock.instant(), clock.instant());
    }

    private static UploadRequest withDataset(String datasetId, long length) {
        return new UploadRequest("owner-1", datasetId, "big.csv", length, null, Map.of());
    }

    private CreateUpload createUpload(long maxFileBytes) {
        return new CreateUpload(objects, runs, "uploads-bucket", URL_TTL, maxFileBytes,
                new DatasetForRun(datasets, clock), clock);
    }

    private static UploadRequest request(String fileName, long length) {
        return new UploadRequest("owner-1", null, fileName, length, null, Map.of("spend", "Cost"));
    }
}
