-- overview: the headline figures for the map page: seizures in all and in the last
-- $recent_days days before $now, their kilograms and value, the synthetic share, the data cut-off.
SELECT
    count(*)                                                         AS seizures,
    count(*) FILTER (WHERE occurred_at >= $now - to_days($recent_days)) AS recent_seizures,
    coalesce(sum(quantity_kg) FILTER (WHERE occurred_at >= $now - to_days($recent_days)), 0) AS recent_kg,
    coalesce(sum(value_cny) FILTER (WHERE occurred_at >= $now - to_days($recent_days)), 0)   AS recent_value_cny,
    count(DISTINCT zone_code)                                        AS zones_with_seizures,
    count(*) FILTER (WHERE is_synthetic)                             AS synthetic,
    max(occurred_at)                                                 AS last_occurred,
    max(ingested_at)                                                 AS last_ingested
FROM seizures;
