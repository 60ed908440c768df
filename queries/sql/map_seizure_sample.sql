-- map_seizure_sample: at most $limit seizures for the points layer, the same ones on every run
-- (ordered by a hash of the id, not by time), with the names a tooltip shows and the total count
-- so that the page can say when the layer is a sample.
SELECT
    s.seizure_id,
    s.occurred_at,
    s.time_precision,
    s.lon,
    s.lat,
    s.geo_precision,
    s.channel,
    s.item,
    s.item_group,
    s.form,
    s.quantity_kg,
    s.value_cny,
    s.declared_as,
    s.agency,
    s.destination_iso3,
    s.case_status,
    s.is_synthetic,
    coalesce(c.name_en, h.name_en) AS site_en,
    coalesce(c.name_zh, h.name_zh) AS site_zh,
    z.name_en AS county_en,
    z.name_zh AS county_zh,
    count(*) OVER () AS total_rows
FROM seizures AS s
LEFT JOIN checkpoints AS c ON c.checkpoint_id = s.checkpoint_id
LEFT JOIN processing_hubs AS h ON h.hub_id = s.hub_id
LEFT JOIN admin_units AS z ON z.code = s.county_code
ORDER BY hash(s.seizure_id)
LIMIT $limit;
