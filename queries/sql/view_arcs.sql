-- view_arcs: cross-border cases (a destination abroad) from where they were stopped to their
-- destination: the checkpoint when the record names one, else the county's anchor point. One row
-- per origin and destination, the largest $arc_limit by count (aggregated first, named after).
WITH flows AS (
    SELECT checkpoint_id, county_code, destination_iso3, count(*) AS seizures, sum(quantity_kg) AS kg
    FROM filtered_seizures($filters)
    WHERE destination_iso3 IS NOT NULL AND destination_iso3 <> 'CHN'
      AND (checkpoint_id IS NOT NULL OR county_code IS NOT NULL)
    GROUP BY ALL
)
SELECT
    coalesce(f.checkpoint_id, f.county_code)        AS origin,
    any_value(coalesce(c.name_en, z.name_en))       AS origin_en,
    any_value(coalesce(c.name_zh, z.name_zh))       AS origin_zh,
    any_value(coalesce(c.lon, z.anchor_lon))        AS origin_lon,
    any_value(coalesce(c.lat, z.anchor_lat))        AS origin_lat,
    f.destination_iso3,
    sum(f.seizures)                                 AS seizures,
    sum(f.kg)                                       AS kg
FROM flows AS f
LEFT JOIN checkpoints AS c ON c.checkpoint_id = f.checkpoint_id
LEFT JOIN admin_units AS z ON z.code = f.county_code
GROUP BY origin, f.destination_iso3
ORDER BY seizures DESC, origin, f.destination_iso3
LIMIT $arc_limit;
