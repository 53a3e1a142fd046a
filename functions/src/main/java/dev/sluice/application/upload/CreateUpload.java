package dev.sluice.application.upload;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.port.ObjectStore;
import dev.sluice.application.port.ObjectStore.PresignedPut;
import dev.sluice.application.port.RunRepository;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.Run.RunSource;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/** Creates a run (CREATED) and a presigned PUT for exactly its object key. */
public final class CreateUpload {
    /** S3's limit for a single PUT (5 GiB); larger files need multipart upload. */
    public static final long SINGLE_PUT_LIMIT = 5L * 1024 * 1024 * 1024;

    private final ObjectStore objects;
    private final RunRepository runs;
    private final String bucket;
    private final Duration urlTtl;
    private final long maxFileBytes;
    private final Clock clock;

    public record Created(Run run, PresignedPut upload) {
    }

    public CreateUpload(ObjectStore objects, RunRepository runs, String bucket, Duration urlTtl, long maxFileBytes,
            Clock clock) {
        this.objects = objects;
        this.runs = runs;
        this.bucket = bucket;
        this.urlTtl = urlTtl;
        this.maxFileBytes = Math.min(maxFileBytes, SINGLE_PUT_LIMIT);
        this.clock = clock;
    }

    public Created create(UploadRequest request) {
        if (request.contentLength() > maxFileBytes) {
            throw new InvalidRequestException("FILE_TOO_LARGE", 413, "'" + request.fileName() + "' is "
                    + request.contentLength() + " bytes; uploads are limited to " + maxFileBytes + " bytes");
        }
        String runId = UUID.randomUUID().toString();
        String key = UploadKey.of(request.owner(), runId, request.fileName());
        Run run = Run.created(runId, request.owner(), request.datasetId(), request.fileName(), bucket, key,
                RunSource.UPLOAD, RunStatus.CREATED, request.contentLength(), request.mapping(), clock.instant());
        runs.create(run);
        PresignedPut put = objects.presignPut(bucket, key, request.contentType(), request.contentLength(), urlTtl);
        return new Created(run, put);
    }
}
