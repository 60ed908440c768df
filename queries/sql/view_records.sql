-- view_records: the view's records, newest first, $limit from $offset, with place names and the
-- total count.
SELECT
    s.seizure_id,
    s.occurred_at,
    s.time_precision,
    s.item_group,
    s.item,
    s.form,
    s.quantity_kg,
    s.value_cny,
    s.channel,
    s.agency,
    coalesce(c.name_en, h.name_en) AS site_en,
    coalesce(c.name_zh, h.name_zh) AS site_zh,
    z.name_en AS county_en,
    z.name_zh AS county_zh,
    p.name_en AS province_en,
    p.name_zh AS province_zh,
    s.zone_code IS NOT NULL AS in_border_zone,
    s.destination_iso3,
    s.declared_as,
    s.concealment,
    s.concealment_text,
    s.detection,
    s.detection_text,
    s.case_status,
    s.lon,
    s.lat,
    s.geo_precision,
    s.source,
    s.source_id,
    s.source_ref,
    s.is_synthetic,
    s.ingested_at,
    count(*) OVER () AS total_rows
FROM filtered_seizures($filters) AS s
LEFT JOIN checkpoints AS c ON c.checkpoint_id = s.checkpoint_id
LEFT JOIN processing_hubs AS h ON h.hub_id = s.hub_id
LEFT JOIN admin_units AS z ON z.code = s.county_code
LEFT JOIN admin_units AS p ON p.code = s.province_code
ORDER BY s.occurred_at DESC, s.seizure_id DESC
LIMIT $limit OFFSET $offset;
