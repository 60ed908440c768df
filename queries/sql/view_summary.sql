-- view_summary: the headline figures of a view: seizures, kilograms, value, how many are synthetic,
-- the newest arrival (macros/arrival.sql), and how many records arrived after $after (NULL: none) and
-- when the newest of them happened, for "new since the previous refresh", and the data cut-off.
SELECT
    count(*)                             AS seizures,
    coalesce(sum(quantity_kg), 0)        AS kg,
    coalesce(sum(value_cny), 0)          AS value_cny,
    count(*) FILTER (WHERE is_synthetic) AS synthetic,
    count(*) FILTER (WHERE geo_precision IN ('county', 'province')) AS coarse,
    min(occurred_at)                     AS first_occurred,
    max(occurred_at)                     AS last_occurred,
    max(ingested_at)                     AS last_ingested,
    coalesce(max(arrival), -1)           AS newest_arrival,  -- a lake's row ids begin at 0
    count(*) FILTER (WHERE arrival > $after) AS new_seizures,
    max(occurred_at) FILTER (WHERE arrival > $after) AS new_last_occurred
FROM filtered_seizures($filters);
