package dev.sluice.domain.run;

import dev.sluice.domain.csv.ReadingDecisions;
import dev.sluice.domain.dataset.ReadingSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One import of one file: where it came from, how far it got and what it counted. Counters are exact once
 * the run is final: {@code stored + errors == records}.
 *
 * @param records       data records in the file (while splitting: records planned so far)
 * @param chunksTotal   chunks in the file; null until the splitter has finished
 * @param errors        records rejected (row errors, including every record of a dead chunk)
 * @param bytesTotal    size of the object being imported, known once the splitter starts (0 before)
 * @param bytesDone     bytes of the object covered by the chunks counted so far (loaded or dead); equals
 *                      {@code bytesTotal} once every chunk is counted, and never decreases
 * @param objectETag    the ETag of the object version the splitter read; every chunk is read with it (null before
 *                      the split starts)
 * @param objectVersionId the S3 version id of that object when the bucket is versioned, else null
 */
public record Run(
        String runId,
        String owner,
        String datasetId,
        String fileName,
        String bucket,
        String key,
        RunSource source,
        RunStatus status,
        long contentLength,
        Instant createdAt,
        Instant updatedAt,
        Instant finishedAt,
        long records,
        long stored,
        long errors,
        Integer chunksTotal,
        int chunksPlanned,
        int chunksDone,
        int chunksDead,
        List<DeadChunk> deadChunks,
        Map<String, String> requestedMapping,
        FileFacts fileFacts,
        String failureCode,
        String failureMessage,
        long bytesTotal,
        long bytesDone,
        String objectETag,
        String objectVersionId,
        UploadFacts upload,
        Rerun rerun,
        Publication publication) {

    public Run {
        publication = publication == null ? Publication.NONE : publication;
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(status, "status");
        upload = upload == null ? UploadFacts.NONE : upload;
        rerun = rerun == null ? Rerun.NONE : rerun;
        deadChunks = deadChunks == null ? List.of() : List.copyOf(deadChunks);
        requestedMapping = requestedMapping == null ? Map.of() : Map.copyOf(requestedMapping);
    }

    /** A run without upload facts (the form before uploads carried a checksum, a multipart id or a duplicate). */
    public Run(String runId, String owner, String datasetId, String fileName, String bucket, String key,
            RunSource source, RunStatus status, long contentLength, Instant createdAt, Instant updatedAt,
            Instant finishedAt, long records, long stored, long errors, Integer chunksTotal, int chunksPlanned,
            int chunksDone, int chunksDead, List<DeadChunk> deadChunks, Map<String, String> requestedMapping,
            FileFacts fileFacts, String failureCode, String failureMessage, long bytesTotal, long bytesDone,
            String objectETag, String objectVersionId) {
        this(runId, owner, datasetId, fileName, bucket, key, source, status, contentLength, createdAt, updatedAt,
                finishedAt, records, stored, errors, chunksTotal, chunksPlanned, chunksDone, chunksDead, deadChunks,
                requestedMapping, fileFacts, failureCode, failureMessage, bytesTotal, bytesDone, objectETag,
                objectVersionId, UploadFacts.NONE);
    }

    /** A run that is no re-run (the form before runs could be re-run). */
    public Run(String runId, String owner, String datasetId, String fileName, String bucket, String key,
            RunSource source, RunStatus status, long contentLength, Instant createdAt, Instant updatedAt,
            Instant finishedAt, long records, long stored, long errors, Integer chunksTotal, int chunksPlanned,
            int chunksDone, int chunksDead, List<DeadChunk> deadChunks, Map<String, String> requestedMapping,
            FileFacts fileFacts, String failureCode, String failureMessage, long bytesTotal, long bytesDone,
            String objectETag, String objectVersionId, UploadFacts upload) {
        this(runId, owner, datasetId, fileName, bucket, key, source, status, contentLength, createdAt, updatedAt,
                finishedAt, records, stored, errors, chunksTotal, chunksPlanned, chunksDone, chunksDead, deadChunks,
                requestedMapping, fileFacts, failureCode, failureMessage, bytesTotal, bytesDone, objectETag,
                objectVersionId, upload, Rerun.NONE);
    }

    /** A run that was not published (the form before runs were published into their datasets). */
    public Run(String runId, String owner, String datasetId, String fileName, String bucket, String key,
            RunSource source, RunStatus status, long contentLength, Instant createdAt, Instant updatedAt,
            Instant finishedAt, long records, long stored, long errors, Integer chunksTotal, int chunksPlanned,
            int chunksDone, int chunksDead, List<DeadChunk> deadChunks, Map<String, String> requestedMapping,
            FileFacts fileFacts, String failureCode, String failureMessage, long bytesTotal, long bytesDone,
            String objectETag, String objectVersionId, UploadFacts upload, Rerun rerun) {
        this(runId, owner, datasetId, fileName, bucket, key, source, status, contentLength, createdAt, updatedAt,
                finishedAt, records, stored, errors, chunksTotal, chunksPlanned, chunksDone, chunksDead, deadChunks,
                requestedMapping, fileFacts, failureCode, failureMessage, bytesTotal, bytesDone, objectETag,
                objectVersionId, upload, rerun, Publication.NONE);
    }

    /**
     * The same run SPLITTING the object of this ETag and version (either may be null: S3 without versioning, a
     * store without ETags), {@code bytesTotal} long: what starting its split records.
     */
    public Run splitting(String eTag, String versionId, long bytesTotal) {
        return new Run(runId, owner, datasetId, fileName, bucket, key, source, RunStatus.SPLITTING, contentLength,
                createdAt, updatedAt, finishedAt, records, stored, errors, chunksTotal, chunksPlanned, chunksDone,
                chunksDead, deadChunks, requestedMapping, fileFacts, failureCode, failureMessage, bytesTotal, bytesDone,
                eTag, versionId, upload, rerun, publication);
    }

    /** The same run with these upload facts. */
    public Run withUpload(UploadFacts facts) {
        return new Run(runId, owner, datasetId, fileName, bucket, key, source, status, contentLength, createdAt,
                updatedAt, finishedAt, records, stored, errors, chunksTotal, chunksPlanned, chunksDone, chunksDead,
                deadChunks, requestedMapping, fileFacts, failureCode, failureMessage, bytesTotal, bytesDone,
                objectETag, objectVersionId, facts, rerun, publication);
    }

    /** The same run as a re-run of another. */
    public Run withRerun(Rerun facts) {
        return new Run(runId, owner, datasetId, fileName, bucket, key, source, status, contentLength, createdAt,
                updatedAt, finishedAt, records, stored, errors, chunksTotal, chunksPlanned, chunksDone, chunksDead,
                deadChunks, requestedMapping, fileFacts, failureCode, failureMessage, bytesTotal, bytesDone,
                objectETag, objectVersionId, upload, facts, publication);
    }

    /** The run this one re-imports the kept file of, or null. */
    public String rerunOf() {
        return rerun.of();
    }

    /**
     * What makes a run a re-run: the run whose kept file it imports again ({@code of}, null for an ordinary run) and
     * the reading settings given for this run only ({@code settings}, null when none were given), which win over
     * the dataset's wherever they are not {@code auto}.
     */
    public record Rerun(String of, ReadingSettings settings) {
        public static final Rerun NONE = new Rerun(null, null);
    }

    /**
     * What the upload announced and what became of its content: {@code sha256} (64 lowercase hex digits) as announced
     * by the client or computed by the splitter, whether a duplicate may be imported, the S3 multipart upload id and
     * part size (null/0 for a single PUT), and the run whose import of the same content made this one DUPLICATE.
     */
    public record UploadFacts(String sha256, boolean allowDuplicate, String multipartUploadId, long partSize,
            String duplicateOf) {
        public static final UploadFacts NONE = new UploadFacts(null, false, null, 0, null);

        public boolean multipart() {
            return multipartUploadId != null;
        }
    }

    /**
     * The size progress is measured against: the object's size once the splitter has it, before that the size the
     * upload announced (0 for a partner drop not yet split). The API and the WebSocket messages both use it, so a
     * poll and a push never disagree about the total.
     */
    public long bytesExpected() {
        return bytesTotal > 0 ? bytesTotal : contentLength;
    }

    /**
     * Whether this run, not final, cannot move at {@code now}, and why; {@code chunkVisibilityTimeout} is how long
     * ChunkQueue hides a chunk whose delivery failed.
     */
    public Optional<Stall> stall(Instant now, Duration chunkVisibilityTimeout) {
        return Stall.of(status, updatedAt, now, chunkVisibilityTimeout);
    }

    /** How the run's file arrived. */
    public enum RunSource { UPLOAD, DROP, PULL }

    /** A chunk that failed every delivery attempt; its records are counted as row errors. */
    public record DeadChunk(int chunkNo, long firstRecord, int recordCount, String reason) {
    }

    /**
     * What the splitter learned about the file.
     *
     * @param mappingSource where the mapping came from: {@code given}, {@code saved} or {@code suggested} (null for
     *                      runs split before it was recorded)
     * @param decisions     how the splitter decided to read the file (null for runs profiled before they were
     *                      recorded)
     */
    public record FileFacts(String encoding, String delimiter, String numberStyle, Map<String, String> mapping,
            List<String> header, String mappingSource, ReadingDecisions decisions) {
        public FileFacts {
            mapping = mapping == null ? Map.of() : Map.copyOf(mapping);
            header = header == null ? List.of() : List.copyOf(header);
        }

        /** Facts of a run profiled before mapping sources and reading decisions were recorded. */
        public FileFacts(String encoding, String delimiter, String numberStyle, Map<String, String> mapping,
                List<String> header) {
            this(encoding, delimiter, numberStyle, mapping, header, null, null);
        }

        /** Facts with a mapping source, without reading decisions. */
        public FileFacts(String encoding, String delimiter, String numberStyle, Map<String, String> mapping,
                List<String> header, String mappingSource) {
            this(encoding, delimiter, numberStyle, mapping, header, mappingSource, null);
        }

        /** Facts with reading decisions, without a mapping source. */
        public FileFacts(String encoding, String delimiter, String numberStyle, Map<String, String> mapping,
                List<String> header, ReadingDecisions decisions) {
            this(encoding, delimiter, numberStyle, mapping, header, null, decisions);
        }
    }

    /** A new run waiting for its upload. */
    public static Run created(String runId, String owner, String datasetId, String fileName, String bucket,
            String key, RunSource source, RunStatus status, long contentLength, Map<String, String> mapping,
            Instant now) {
        return new Run(runId, owner, datasetId, fileName, bucket, key, source, status, contentLength, now, now,
                null, 0, 0, 0, null, 0, 0, 0, List.of(), mapping, null, null, null, 0, 0, null, null);
    }
}
