-- view_hubs: every processing hub with the view's seizures linked to it.
SELECT
    h.hub_id,
    h.name_en,
    h.name_zh,
    h.kind,
    h.item_groups,
    h.lon,
    h.lat,
    h.geo_precision,
    h.country_iso3,
    h.note,
    coalesce(v.seizures, 0) AS seizures,
    coalesce(v.kg, 0)       AS kg
FROM processing_hubs AS h
LEFT JOIN (
    SELECT hub_id, count(*) AS seizures, sum(quantity_kg) AS kg
    FROM filtered_seizures($filters)
    WHERE hub_id IS NOT NULL
    GROUP BY hub_id
) AS v ON v.hub_id = h.hub_id
ORDER BY seizures DESC, h.hub_id;
