package dev.sluice.application.dataset;

import dev.sluice.domain.dataset.DatasetLimits;

/**
 * The limits a dataset's files are held to: each the dataset's own value where it set one below the global setting,
 * else the global one. Each {@code *Setting} names where the value came from, for messages: "the dataset's
 * maxColumns" or the environment variable ({@code MAX_COLUMNS}).
 */
public record EffectiveLimits(long maxFileBytes, String maxFileBytesSetting, int maxColumns, String maxColumnsSetting,
        int maxFieldBytes, String maxFieldBytesSetting, long maxRecords, String maxRecordsSetting) {

    /** @param global the global settings, every value set */
    public static EffectiveLimits of(DatasetLimits own, DatasetLimits global) {
        DatasetLimits limits = own == null ? DatasetLimits.GLOBAL : own;
        boolean file = lower(limits.maxFileBytes(), global.maxFileBytes());
        boolean columns = lower(limits.maxColumns(), global.maxColumns());
        boolean field = lower(limits.maxFieldBytes(), global.maxFieldBytes());
        boolean records = lower(limits.maxRecords(), global.maxRecords());
        return new EffectiveLimits(
                file ? limits.maxFileBytes() : global.maxFileBytes(),
                file ? "the dataset's maxFileBytes" : "MAX_FILE_BYTES",
                columns ? limits.maxColumns() : global.maxColumns(),
                columns ? "the dataset's maxColumns" : "MAX_COLUMNS",
                field ? limits.maxFieldBytes() : global.maxFieldBytes(),
                field ? "the dataset's maxFieldBytes" : "MAX_FIELD_BYTES",
                records ? limits.maxRecords() : global.maxRecords(),
                records ? "the dataset's maxRecords" : "MAX_RECORDS_PER_FILE");
    }

    private static boolean lower(Number own, long global) {
        return own != null && own.longValue() < global;
    }
}
