-- One row per run published into its dataset, inserted in the same transaction as the run's dataset_rows, so a
-- publish message delivered twice publishes once (the second finds the row and writes nothing). seq orders the
-- publications of a dataset (rollback asks which runs published later). A rolled-back run keeps its row with
-- rolled_back_at set, so neither a late publish message nor a second rollback changes anything.
CREATE TABLE publish_ledger (
    run_id          text        PRIMARY KEY,
    dataset_id      text        NOT NULL,
    seq             bigint      GENERATED ALWAYS AS IDENTITY,
    strategy        text        NOT NULL CHECK (strategy IN ('append', 'upsert', 'replace')),
    publish_key     text        NOT NULL,
    inserted        bigint      NOT NULL DEFAULT 0,
    updated         bigint      NOT NULL DEFAULT 0,
    unchanged       bigint      NOT NULL DEFAULT 0,
    conflicting     bigint      NOT NULL DEFAULT 0,
    removed         bigint      NOT NULL DEFAULT 0,
    published_at    timestamptz NOT NULL DEFAULT now(),
    rolled_back_at  timestamptz,
    rollback_removed  bigint,
    rollback_restored bigint,
    rollback_conflicts jsonb
);
CREATE INDEX publish_ledger_dataset ON publish_ledger (dataset_id, seq);
-- Rollback finds a run's versions by run (the primary key starts with dataset_id, then run_id).
