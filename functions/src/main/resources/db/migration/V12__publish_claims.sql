-- A record a run publishes as unchanged (equal in every value to the key's current row) writes no version, but the
-- run has the key too: without the run that wrote that row, the dataset would hold the key from this one. So each
-- unchanged record is kept as a claim on its key, in the publish transaction, and a rollback of the run whose
-- version a later run claims hands the key to the earliest such run (a version of its record) instead of removing
-- it. A claim goes when its run is rolled back, or becomes that version when it takes the key over.
-- Every read knows the runs whose claims it wants (a run's own, or those of the runs published after it, from
-- publish_ledger), so the primary key is the only index: a republish of an unchanged file writes a claim per
-- record, and an index by key would be kept up on every one of them to serve only rollbacks. The run's dataset is
-- its ledger row's.
CREATE TABLE dataset_claims (
    run_id      text    NOT NULL,
    record_no   bigint  NOT NULL,
    row_key     text    NOT NULL,
    PRIMARY KEY (run_id, record_no)
);

-- A version a claim became when the run that wrote the key's row was rolled back. It stands for a record the run
-- published as unchanged, so it is not one of the rows the run delivers to destinations. (A constant default:
-- PostgreSQL 11+ adds the column without rewriting the table.)
ALTER TABLE dataset_rows ADD COLUMN from_claim boolean NOT NULL DEFAULT false;
