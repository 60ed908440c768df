-- map_checkpoints: every checkpoint with its place names and how many seizures are linked to it
-- (all time and in the last $recent_days days before $now).
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
    count(s.seizure_id) AS seizures,
    count(s.seizure_id) FILTER (WHERE s.occurred_at >= $now - to_days($recent_days)) AS recent_seizures
FROM checkpoints AS c
LEFT JOIN admin_units AS z ON z.code = c.county_code
LEFT JOIN seizures AS s ON s.checkpoint_id = c.checkpoint_id
GROUP BY ALL
ORDER BY seizures DESC;
