-- What runs published into their datasets. Every version of a row is kept: a row is current while superseded_by
-- is null; publishing a newer version, or a replace that drops the key, sets superseded_by to that run. So a run
-- can be rolled back (its versions removed, the versions it superseded made current again) and two runs compared.
-- A marketing row uses the canonical columns and extra; a raw row uses data. row_key is the publish key's values
-- as JSON array text (e.g. ["2024-05-01","Spring","Search"]); for append it is ["<run_id>",<record_no>].
CREATE TABLE dataset_rows (
    dataset_id    text    NOT NULL,
    row_key       text    NOT NULL,
    run_id        text    NOT NULL,
    record_no     bigint  NOT NULL,
    superseded_by text,
    date          date,
    campaign      text,
    channel       text,
    spend         numeric,
    clicks        bigint,
    conversions   numeric,
    impressions   bigint,
    extra         jsonb,
    data          jsonb,
    PRIMARY KEY (dataset_id, run_id, record_no)
);
-- At most one current version per key.
CREATE UNIQUE INDEX dataset_rows_current ON dataset_rows (dataset_id, row_key) WHERE superseded_by IS NULL;
CREATE INDEX dataset_rows_current_date ON dataset_rows (dataset_id, date) WHERE superseded_by IS NULL;
CREATE INDEX dataset_rows_superseded ON dataset_rows (dataset_id, superseded_by) WHERE superseded_by IS NOT NULL;

-- Sums of the current rows of marketing datasets per day, channel and campaign, kept in the publish and rollback
-- transactions (a delta per group), so analytics never scan dataset_rows. NULL metrics count as 0; rows counts
-- the rows of the group. A group whose rows drop to 0 is deleted.
CREATE TABLE dataset_rollups (
    dataset_id  text    NOT NULL,
    day         date    NOT NULL,
    channel     text    NOT NULL,
    campaign    text    NOT NULL,
    rows        bigint  NOT NULL,
    spend       numeric NOT NULL,
    clicks      bigint  NOT NULL,
    impressions bigint  NOT NULL,
    conversions numeric NOT NULL,
    PRIMARY KEY (dataset_id, day, channel, campaign)
);
