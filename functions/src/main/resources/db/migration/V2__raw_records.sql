-- Records of raw datasets: each record is one JSON object keyed by the header's names (made unique), its values
-- the exact strings of the file. jsonb orders an object's keys its own way (shorter keys first), not as the file
-- did; the file's column order is the run's header (the run's file facts, the dialect of every chunk message), and
-- the records API returns the keys in that order. jsonb rather than json: queries such as data->>'Amount' and
-- indexes work on it, and a row is parsed once when it is loaded rather than on every read.
CREATE TABLE raw_records (
    run_id      text    NOT NULL,
    record_no   bigint  NOT NULL,
    line_no     bigint  NOT NULL,
    dataset_id  text    NOT NULL,
    data        jsonb   NOT NULL,
    PRIMARY KEY (run_id, record_no)
);
