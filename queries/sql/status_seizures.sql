-- status_seizures: how many seizures there are, real or synthetic, and the period they cover.
SELECT
    is_synthetic,
    count(*)          AS rows,
    min(occurred_at)  AS first_occurred,
    max(occurred_at)  AS last_occurred,
    max(ingested_at)  AS last_ingested
FROM seizures
GROUP BY is_synthetic
ORDER BY is_synthetic;
