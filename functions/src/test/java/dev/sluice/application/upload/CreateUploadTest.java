package dev.sluice.application.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.InvalidRequestException;
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

    private CreateUpload createUpload(long maxFileBytes) {
        return new CreateUpload(objects, runs, "uploads-bucket", URL_TTL, maxFileBytes, clock);
    }

    private static UploadRequest request(String fileName, long length) {
        return new UploadRequest("owner-1", null, fileName, length, null, Map.of("spend", "Cost"));
    }
}
