package dev.sluice.adapter.out.postgres;

/**
 * The values of a run's stored record (V1 records for a marketing run, V2 raw_records for a raw one) in dataset_rows'
 * value columns: how a record the run published as unchanged, kept only as a claim (V12, run id and record number),
 * is read back, both when a rollback hands its key over and when a delivery sends the run's complete data. A record
 * is in one of the two tables, so the other side's columns read null.
 */
final class StoredRecords {
    /** dataset_rows' value columns, in its order (date … impressions, extra, data). */
    static final String VALUES = "r.date, r.campaign, r.channel, r.spend, r.clicks, r.conversions, r.impressions, "
            + "r.extra, w.data";

    private StoredRecords() {
    }

    /** Joins the stored record named by the SQL expressions {@code runId} and {@code recordNo}, for {@link #VALUES}. */
    static String joinedOn(String runId, String recordNo) {
        return "LEFT JOIN records r ON r.run_id = " + runId + " AND r.record_no = " + recordNo + " "
                + "LEFT JOIN raw_records w ON w.run_id = " + runId + " AND w.record_no = " + recordNo;
    }
}
