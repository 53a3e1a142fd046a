package dev.sluice.domain.dataset;

/**
 * A dataset's own limits; a null value means the global setting (MAX_FILE_BYTES, MAX_COLUMNS, MAX_FIELD_BYTES,
 * MAX_RECORDS_PER_FILE). A dataset may only lower a global limit, never raise it.
 */
public record DatasetLimits(Long maxFileBytes, Integer maxColumns, Integer maxFieldBytes, Long maxRecords) {
    public static final DatasetLimits GLOBAL = new DatasetLimits(null, null, null, null);
}
