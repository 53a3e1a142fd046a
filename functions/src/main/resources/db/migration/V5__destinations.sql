-- Where a dataset's published runs are delivered (issue 16), and each run's delivery to each destination. The
-- password is not here: password_ref names it in the secret store. columns is the target -> source mapping as JSON
-- text (json keeps the key order, the order target columns are written in); key_columns a JSON array.
CREATE TABLE destinations (
    id            text        PRIMARY KEY,
    dataset_id    text        NOT NULL,
    owner         text        NOT NULL,
    name          text        NOT NULL,
    kind          text        NOT NULL,
    host          text        NOT NULL,
    port          integer     NOT NULL,
    database_name text        NOT NULL,
    user_name     text        NOT NULL,
    password_ref  text,
    ssl_mode      text        NOT NULL,
    target_schema text        NOT NULL,
    target_table  text        NOT NULL,
    columns       text        NOT NULL,
    strategy      text        NOT NULL,
    key_columns   text        NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX destinations_dataset ON destinations (dataset_id, created_at);

-- One row per (run, destination): queued once however often the publish is told; its status moves pending ->
-- delivering -> delivered | failed (-> pending again on a resend). The name is kept so a run still names a deleted
-- destination. Exactly-once lives in the target (its sluice_deliveries marker), not here.
CREATE TABLE deliveries (
    run_id           text        NOT NULL,
    destination_id   text        NOT NULL,
    dataset_id       text        NOT NULL,
    destination_name text        NOT NULL,
    status           text        NOT NULL,
    rows             bigint,
    attempts         integer     NOT NULL DEFAULT 0,
    error            text,
    queued_at        timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    PRIMARY KEY (run_id, destination_id)
);
