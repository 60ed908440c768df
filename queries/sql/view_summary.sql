-- view_summary: the headline figures of a view: seizures, kilograms, value, how many are synthetic,
-- the newest record, and how many records are newer than $after_id (NULL: none) and when the newest
-- of them happened, for "new since the previous refresh", and the data cut-off.
SELECT
    count(*)                             AS seizures,
    coalesce(sum(quantity_kg), 0)        AS kg,
    coalesce(sum(value_cny), 0)          AS value_cny,
    count(*) FILTER (WHERE is_synthetic) AS synthetic,
    count(*) FILTER (WHERE geo_precision IN ('county', 'province')) AS coarse,
    min(occurred_at)                     AS first_occurred,
    max(occurred_at)                     AS last_occurred,
    max(ingested_at)                     AS last_ingested,
    coalesce(max(seizure_id), 0)         AS newest_id,
    count(*) FILTER (WHERE seizure_id > $after_id) AS new_seizures,
    max(occurred_at) FILTER (WHERE seizure_id > $after_id) AS new_last_occurred
FROM filtered_seizures($filters);
