-- Coarser rollups for analytics over long ranges (issue 13), with the same sums as dataset_rollups (V3):
-- - per day and channel: totals, groupBy=day and channel, the previous period and anomalies read one row per
--   channel a day instead of one per channel and campaign;
-- - per month and campaign (month is the month's first day): groupBy=campaign reads the range's whole months here
--   and only the days of the partial months at its ends from dataset_rollups.
-- Publishing and rollback move every rollup table by the same delta in their transaction, deleting a group whose
-- rows drop to 0. Each value equals the sum of its dataset_rollups groups, decimal scale included, so an answer read
-- from either is the same text. The metrics are in the primary key's index: a range read can come from the index.
CREATE TABLE dataset_day_channel_rollups (
    dataset_id  text    NOT NULL,
    day         date    NOT NULL,
    channel     text    NOT NULL,
    rows        bigint  NOT NULL,
    spend       numeric NOT NULL,
    clicks      bigint  NOT NULL,
    impressions bigint  NOT NULL,
    conversions numeric NOT NULL,
    PRIMARY KEY (dataset_id, day, channel) INCLUDE (rows, spend, clicks, impressions, conversions)
);

CREATE TABLE dataset_month_campaign_rollups (
    dataset_id  text    NOT NULL,
    month       date    NOT NULL CHECK (extract(day FROM month) = 1),
    campaign    text    NOT NULL,
    rows        bigint  NOT NULL,
    spend       numeric NOT NULL,
    clicks      bigint  NOT NULL,
    impressions bigint  NOT NULL,
    conversions numeric NOT NULL,
    PRIMARY KEY (dataset_id, month, campaign) INCLUDE (rows, spend, clicks, impressions, conversions)
);

-- The data published before this migration.
INSERT INTO dataset_day_channel_rollups
SELECT dataset_id, day, channel, sum(rows), sum(spend), sum(clicks), sum(impressions), sum(conversions)
FROM dataset_rollups GROUP BY dataset_id, day, channel;

INSERT INTO dataset_month_campaign_rollups
SELECT dataset_id, date_trunc('month', day::timestamp)::date, campaign, sum(rows), sum(spend), sum(clicks),
       sum(impressions), sum(conversions)
FROM dataset_rollups GROUP BY dataset_id, date_trunc('month', day::timestamp)::date, campaign;
