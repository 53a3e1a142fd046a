-- Reads of analytics (issue 13). Each answer reads one dataset's rollups over a day range; with every metric in the
-- index, PostgreSQL answers from the index alone (an index-only scan once autovacuum has set the visibility map)
-- instead of visiting the table for each group of ~480 per day in a large dataset.
CREATE INDEX dataset_rollups_by_day ON dataset_rollups (dataset_id, day)
    INCLUDE (channel, campaign, rows, spend, clicks, impressions, conversions);

-- Pages of a marketing dataset's current rows in their order (date, row key), filtered or not: a keyset page is a
-- range of this index. (V3's dataset_rows_current_date has no row_key, so a page past the first would sort a day.)
CREATE INDEX dataset_rows_current_page ON dataset_rows (dataset_id, date, row_key) WHERE superseded_by IS NULL;

-- Pages of a raw dataset's current rows (by run, record number) and its where.<column>=<value> filters (containment).
CREATE INDEX dataset_rows_current_raw ON dataset_rows (dataset_id, run_id, record_no) WHERE superseded_by IS NULL;
CREATE INDEX dataset_rows_current_data ON dataset_rows USING gin (data jsonb_path_ops) WHERE superseded_by IS NULL;
