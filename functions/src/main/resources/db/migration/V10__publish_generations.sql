-- A run can publish more than once: a redrive of a published PARTIAL run loads its dead chunks again, and the run
-- goes through PUBLISHING (or REVIEW) again to publish those records. Each publication of a run is a generation;
-- the run keeps one ledger row (seq, the order of its first publication, stays), whose counts are the sums over its
-- generations. covered holds the record numbers the run's generations have taken so far: a publish takes only the
-- run's records outside it, and adds them in the same transaction, so each record is published once however often
-- the publish message arrives (a delivery that finds nothing outside covered changes nothing).
ALTER TABLE publish_ledger ADD COLUMN generation int NOT NULL DEFAULT 1;
ALTER TABLE publish_ledger ADD COLUMN covered int8multirange NOT NULL DEFAULT '{}';

-- Runs published before this migration took every record they had: their records, as runs of consecutive record
-- numbers (a rejected record or a dead chunk leaves a gap).
UPDATE publish_ledger l SET covered = c.covered
FROM (SELECT run_id, range_agg(int8range(lo, hi + 1)) AS covered
      FROM (SELECT run_id, min(record_no) AS lo, max(record_no) AS hi
            FROM (SELECT run_id, record_no,
                         record_no - row_number() OVER (PARTITION BY run_id ORDER BY record_no) AS island
                  FROM (SELECT run_id, record_no FROM records UNION ALL SELECT run_id, record_no FROM raw_records) r
                  WHERE run_id IN (SELECT run_id FROM publish_ledger)) numbered
            GROUP BY run_id, island) islands
      GROUP BY run_id) c
WHERE c.run_id = l.run_id;
