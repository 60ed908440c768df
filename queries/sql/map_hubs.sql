-- map_hubs: every processing hub with the seizures linked to it.
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
    count(s.seizure_id) AS seizures
FROM processing_hubs AS h
LEFT JOIN seizures AS s ON s.hub_id = h.hub_id
GROUP BY ALL
ORDER BY seizures DESC;
