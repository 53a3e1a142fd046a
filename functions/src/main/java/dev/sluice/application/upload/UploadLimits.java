package dev.sluice.application.upload;

import dev.sluice.domain.dataset.DatasetLimits;
import java.util.Map;

/**
 * The limits every upload is held to, and the partners whose drops are imported. Each is a setting (environment
 * variable of the same name in upper case, set from a template parameter); defaults are in README "Uploads".
 *
 * @param maxFileBytes          largest object (compressed size for gzip), MAX_FILE_BYTES
 * @param maxDecompressedBytes  largest decompressed gzip content, MAX_DECOMPRESSED_BYTES
 * @param maxColumns            most header columns, MAX_COLUMNS
 * @param maxFieldBytes         longest field in bytes of the file, MAX_FIELD_BYTES
 * @param maxRecordsPerFile     most data records in one file, MAX_RECORDS_PER_FILE
 * @param maxUploadsPerHour     most POST /api/uploads per owner per clock hour, MAX_UPLOADS_PER_HOUR
 * @param multipartThreshold    larger uploads are multipart, MULTIPART_THRESHOLD_BYTES
 * @param partBytes             size of a multipart part (raised to keep within 10,000 parts), MULTIPART_PART_BYTES
 * @param partners              partner name (the {@code drop/{partner}/} segment) → owner and dataset, PARTNERS
 */
public record UploadLimits(long maxFileBytes, long maxDecompressedBytes, int maxColumns, int maxFieldBytes,
        long maxRecordsPerFile, int maxUploadsPerHour, long multipartThreshold, long partBytes,
        Map<String, Partner> partners) {

    /** S3's smallest part (all but the last). */
    public static final long MIN_PART_BYTES = 5L * 1024 * 1024;

    public UploadLimits {
        partners = Map.copyOf(partners);
        if (partBytes < MIN_PART_BYTES) {
            throw new IllegalArgumentException("MULTIPART_PART_BYTES must be at least " + MIN_PART_BYTES);
        }
    }

    /** The limits a dataset may lower, as a dataset's limits with every value set. */
    public DatasetLimits datasetLimits() {
        return new DatasetLimits(maxFileBytes, maxColumns, maxFieldBytes, maxRecordsPerFile);
    }

    /** The defaults (README "Uploads"), with no partners. */
    public static UploadLimits defaults() {
        return new UploadLimits(5L << 30, 5L << 30, 200, 65_536, 10_000_000, 100, 100L << 20, 16L << 20, Map.of());
    }

    /** Who owns a partner's drops and which dataset they go to. */
    public record Partner(String owner, String dataset) {
    }
}
