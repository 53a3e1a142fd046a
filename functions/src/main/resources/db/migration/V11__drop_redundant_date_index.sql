-- dataset_rows_current_page (dataset_id, date, row_key) serves every read dataset_rows_current_date (dataset_id, date)
-- served (its leading columns), so the narrower index only cost each published row one more index entry.
DROP INDEX IF EXISTS dataset_rows_current_date;
