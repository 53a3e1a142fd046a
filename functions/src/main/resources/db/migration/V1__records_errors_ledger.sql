-- Records of every run, keyed by run and record number (1 = first data record after the header).
CREATE TABLE records (
    run_id      text        NOT NULL,
    record_no   bigint      NOT NULL,
    line_no     bigint      NOT NULL,
    dataset_id  text        NOT NULL,
    date        date        NOT NULL,
    campaign    text        NOT NULL,
    channel     text        NOT NULL,
    spend       numeric,
    clicks      bigint,
    conversions numeric,
    impressions bigint,
    extra       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (run_id, record_no)
);

-- One row per problem; a rejected record has one or more. seq orders the problems of one record.
CREATE TABLE row_errors (
    run_id      text    NOT NULL,
    record_no   bigint  NOT NULL,
    seq         int     NOT NULL,
    line_no     bigint,
    column_name text,
    code        text    NOT NULL,
    message     text    NOT NULL,
    raw_excerpt text,
    PRIMARY KEY (run_id, record_no, seq)
);

-- The chunk ledger: a row here is inserted in the same transaction as the chunk's records, so a chunk
-- delivered twice is loaded once. outcome is 'loaded' or 'dead'.
CREATE TABLE chunk_ledger (
    run_id       text        NOT NULL,
    chunk_no     int         NOT NULL,
    first_record bigint      NOT NULL,
    record_count int         NOT NULL,
    stored       int         NOT NULL,
    rejected     int         NOT NULL,
    outcome      text        NOT NULL CHECK (outcome IN ('loaded', 'dead')),
    reason       text,
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, chunk_no)
);
