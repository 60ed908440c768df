-- view_checkpoints: every checkpoint with its place names and the view's seizures linked to it.
SELECT
    c.checkpoint_id,
    c.name_en,
    c.name_zh,
    c.kind,
    c.lon,
    c.lat,
    c.geo_precision,
    c.counterpart,
    c.counterpart_iso3,
    c.agency,
    z.name_en AS county_en,
    z.name_zh AS county_zh,
    coalesce(v.seizures, 0) AS seizures,
    coalesce(v.kg, 0)       AS kg,
    v.newest_id
FROM checkpoints AS c
LEFT JOIN admin_units AS z ON z.code = c.county_code
LEFT JOIN (
    SELECT checkpoint_id, count(*) AS seizures, sum(quantity_kg) AS kg, max(seizure_id) AS newest_id
    FROM filtered_seizures($filters)
    WHERE checkpoint_id IS NOT NULL
    GROUP BY checkpoint_id
) AS v ON v.checkpoint_id = c.checkpoint_id
ORDER BY seizures DESC, c.checkpoint_id;
