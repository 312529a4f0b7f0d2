-- The ChurnActors data lake as Athena tables (Glue Data Catalog), one per record type (docs/design.md §6).
-- Replace churn-lake-bucket with the lake bucket (the CloudFormation stack does) and run each
-- statement in the `churn` database. Partitions are projected from the object keys
-- (<table>/dt=YYYY-MM-DD/hour=HH/…), so no crawler and no MSCK REPAIR are needed.

CREATE EXTERNAL TABLE IF NOT EXISTS `incidents` (
  `event_id` string,
  `ts` timestamp,
  `msisdn` string,
  `type` string,
  `cell` string,
  `device_tac` string,
  `vendor` string,
  `fail_rate` double,
  `window_sessions` int
)
PARTITIONED BY (`dt` string, `hour` string)
STORED AS PARQUET
LOCATION 's3://churn-lake-bucket/incidents/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2026-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'projection.hour.type' = 'integer',
  'projection.hour.range' = '0,23',
  'projection.hour.digits' = '2',
  'storage.location.template' = 's3://churn-lake-bucket/incidents/dt=${dt}/hour=${hour}/'
);

CREATE EXTERNAL TABLE IF NOT EXISTS `engagements` (
  `engagement_id` string,
  `ts` timestamp,
  `msisdn` string,
  `type` string,
  `cell` string,
  `fail_rate` double,
  `severity` double,
  `status` string,
  `reason` string
)
PARTITIONED BY (`dt` string, `hour` string)
STORED AS PARQUET
LOCATION 's3://churn-lake-bucket/engagements/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2026-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'projection.hour.type' = 'integer',
  'projection.hour.range' = '0,23',
  'projection.hour.digits' = '2',
  'storage.location.template' = 's3://churn-lake-bucket/engagements/dt=${dt}/hour=${hour}/'
);

CREATE EXTERNAL TABLE IF NOT EXISTS `feedback` (
  `engagement_id` string,
  `contact_id` string,
  `ts` timestamp,
  `msisdn` string,
  `cell` string,
  `score` int
)
PARTITIONED BY (`dt` string, `hour` string)
STORED AS PARQUET
LOCATION 's3://churn-lake-bucket/feedback/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2026-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'projection.hour.type' = 'integer',
  'projection.hour.range' = '0,23',
  'projection.hour.digits' = '2',
  'storage.location.template' = 's3://churn-lake-bucket/feedback/dt=${dt}/hour=${hour}/'
);

CREATE EXTERNAL TABLE IF NOT EXISTS `sentiment` (
  `engagement_id` string,
  `ts` timestamp,
  `msisdn` string,
  `cell` string,
  `device_tac` string,
  `vendor` string,
  `incident_type` string,
  `score` int,
  `sentiment_before` int,
  `sentiment_after` int,
  `change_sentiment` int
)
PARTITIONED BY (`dt` string, `hour` string)
STORED AS PARQUET
LOCATION 's3://churn-lake-bucket/sentiment/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2026-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'projection.hour.type' = 'integer',
  'projection.hour.range' = '0,23',
  'projection.hour.digits' = '2',
  'storage.location.template' = 's3://churn-lake-bucket/sentiment/dt=${dt}/hour=${hour}/'
);

CREATE EXTERNAL TABLE IF NOT EXISTS `rejected` (
  `ts` timestamp,
  `source` string,
  `reason` string,
  `payload` string,
  `payload_length` int,
  `payload_sha256` string
)
PARTITIONED BY (`dt` string, `hour` string)
STORED AS PARQUET
LOCATION 's3://churn-lake-bucket/rejected/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2026-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'projection.hour.type' = 'integer',
  'projection.hour.range' = '0,23',
  'projection.hour.digits' = '2',
  'storage.location.template' = 's3://churn-lake-bucket/rejected/dt=${dt}/hour=${hour}/'
);
