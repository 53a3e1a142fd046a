package dev.sluice.application.upload;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.dataset.DatasetForRun;
import dev.sluice.application.dataset.EffectiveLimits;
import dev.sluice.application.port.ObjectStore;
import dev.sluice.application.port.ObjectStore.PresignedPut;
import dev.sluice.application.port.RunRepository;
import dev.sluice.application.port.UploadLedger;
import dev.sluice.application.port.UploadLedger.ContentKey;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.Run.RunSource;
import dev.sluice.domain.run.Run.UploadFacts;
import dev.sluice.domain.run.RunStatus;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Creates a run (CREATED) and the URLs its file is uploaded with: one presigned PUT for exactly its object key, or,
 * above the multipart threshold, a multipart upload with one presigned URL per part. Limits the request can tell
 * (size, uploads this hour, a known duplicate) are enforced here, before a byte is uploaded.
 */
public final class CreateUpload {
    /** S3's limit for a single PUT (5 GiB); larger files need multipart upload. */
    public static final long SINGLE_PUT_LIMIT = 5L * 1024 * 1024 * 1024;
    /** S3's most parts in one multipart upload. */
    static final int MAX_PARTS = 10_000;

    private final ObjectStore objects;
    private final RunRepository runs;
    private final Optional<UploadLedger> ledger;
    private final String bucket;
    private final Duration urlTtl;
    private final UploadLimits limits;
    private final DatasetForRun datasets;
    private final Clock clock;

    /** {@code upload} for a single PUT, {@code multipart} otherwise (the other is null). */
    public record Created(Run run, PresignedPut upload, Multipart multipart) {
    }

    public record Multipart(String uploadId, long partSize, List<Part> parts, Instant expiresAt) {
    }

    public record Part(int partNumber, URI url, long size) {
    }

    /** Without a ledger: no duplicate check and no hourly count (use-case tests with twins). */
    public CreateUpload(ObjectStore objects, RunRepository runs, String bucket, Duration urlTtl, long maxFileBytes,
            DatasetForRun datasets, Clock clock) {
        this(objects, runs, null, bucket, urlTtl, withMaxFileBytes(maxFileBytes), datasets, clock);
    }

    /** @param datasets which dataset an upload goes into (the named one of the caller's, else the default) */
    public CreateUpload(ObjectStore objects, RunRepository runs, UploadLedger ledger, String bucket, Duration urlTtl,
            UploadLimits limits, DatasetForRun datasets, Clock clock) {
        this.datasets = datasets;
        this.objects = objects;
        this.runs = runs;
        this.ledger = Optional.ofNullable(ledger);
        this.bucket = bucket;
        this.urlTtl = urlTtl;
        this.limits = limits;
        this.clock = clock;
    }

    private static UploadLimits withMaxFileBytes(long maxFileBytes) {
        UploadLimits d = UploadLimits.defaults();
        return new UploadLimits(maxFileBytes, d.maxDecompressedBytes(), d.maxColumns(), d.maxFieldBytes(),
                d.maxRecordsPerFile(), d.maxUploadsPerHour(), Math.min(d.multipartThreshold(), SINGLE_PUT_LIMIT),
                d.partBytes(), d.partners());
    }

    public Created create(UploadRequest request) {
        Dataset dataset = datasets.forUpload(request.owner(), request.datasetId());
        String datasetId = dataset.id();
        EffectiveLimits effective = EffectiveLimits.of(dataset.limits(), limits.datasetLimits());
        if (request.contentLength() > effective.maxFileBytes()) {
            throw InvalidRequestException.limit("FILE_TOO_LARGE", 413, "'" + request.fileName() + "' is "
                    + request.contentLength() + " bytes; uploads are limited to " + effective.maxFileBytes()
                    + " bytes (" + effective.maxFileBytesSetting() + ")", effective.maxFileBytesSetting(),
                    effective.maxFileBytes(), request.contentLength());
        }
        if (ledger.isPresent() && request.sha256() != null && !request.allowDuplicate()) {
            Optional<String> earlier = ledger.get().holder(new ContentKey(request.owner(), datasetId,
                    request.sha256()));
            if (earlier.isPresent()) {
                throw new InvalidRequestException("DUPLICATE", 409, "'" + request.fileName() + "' has the same "
                        + "content (SHA-256) as run " + earlier.get() + ", already imported into dataset '"
                        + dataset.name() + "'. Nothing was uploaded; send \"allowDuplicate\": true to import "
                        + "it again.", Map.of("duplicateOf", earlier.get()));
            }
        }
        if (ledger.isPresent()) {
            Instant now = clock.instant();
            OptionalLong counted = ledger.get().countUpload(request.owner(), now, limits.maxUploadsPerHour());
            if (counted.isEmpty()) {
                long retryAfter = Duration.between(now, now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1)))
                        .toSeconds() + 1;
                InvalidRequestException limit = InvalidRequestException.limit("TOO_MANY_UPLOADS", 429,
                        "You started " + limits.maxUploadsPerHour() + " uploads this hour, the most allowed "
                                + "(MAX_UPLOADS_PER_HOUR); try again in " + retryAfter + " seconds.",
                        "MAX_UPLOADS_PER_HOUR", limits.maxUploadsPerHour(), limits.maxUploadsPerHour() + 1L);
                Map<String, Object> details = new java.util.LinkedHashMap<>(limit.details());
                details.put("retryAfterSeconds", retryAfter);
                throw new InvalidRequestException(limit.code(), 429, limit.getMessage(), details);
            }
        }
        String runId = UUID.randomUUID().toString();
        String key = UploadKey.of(request.owner(), runId, request.fileName());
        Run run = Run.created(runId, request.owner(), datasetId, request.fileName(), bucket, key,
                RunSource.UPLOAD, RunStatus.CREATED, request.contentLength(), request.mapping(), clock.instant());
        if (request.contentLength() <= limits.multipartThreshold()
                && request.contentLength() <= SINGLE_PUT_LIMIT) {
            runs.create(run.withUpload(new UploadFacts(request.sha256(), request.allowDuplicate(), null, 0, null)));
            PresignedPut put = objects.presignPut(bucket, key, request.contentType(), request.contentLength(),
                    request.sha256Base64(), urlTtl);
            return new Created(run, put, null);
        }
        long partSize = Math.max(limits.partBytes(), (request.contentLength() + MAX_PARTS - 1) / MAX_PARTS);
        String uploadId = objects.startMultipart(bucket, key, request.contentType());
        Run multipart = run.withUpload(new UploadFacts(request.sha256(), request.allowDuplicate(), uploadId,
                partSize, null));
        runs.create(multipart);
        List<Part> parts = new ArrayList<>();
        int count = (int) ((request.contentLength() + partSize - 1) / partSize);
        for (int n = 1; n <= count; n++) {
            long size = Math.min(partSize, request.contentLength() - (n - 1) * partSize);
            parts.add(new Part(n, objects.presignPart(bucket, key, uploadId, n, size, urlTtl), size));
        }
        return new Created(multipart, null, new Multipart(uploadId, partSize, List.copyOf(parts),
                clock.instant().plus(urlTtl)));
    }
}
