-- view_points: at most $point_limit of the view's seizures for the points layer, the newest first
-- after those with seizure_id > $after_id (which the page marks as new), with the names a tooltip
-- shows and the total count so that the page can say when the layer is a sample. Apart from the
-- new ones the sample is the same on every run (ordered by a hash of the id, not by time).
SELECT
    s.seizure_id,
    s.source_id,
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
    s.seizure_id > $after_id AS is_new,
    c.name_en AS checkpoint_en, c.name_zh AS checkpoint_zh,
    h.name_en AS hub_en, h.name_zh AS hub_zh,
    z.name_en AS county_en, z.name_zh AS county_zh,
    count(*) OVER () AS total_rows
FROM filtered_seizures($start_at, $end_before, $item_groups, $items, $channels, $zones, $provinces, $counties, $agencies, $forms, $min_kg, $search,
    $focus_cell, $focus_res, $focus_checkpoint, $focus_hub, $focus_seizure) AS s
LEFT JOIN checkpoints AS c ON c.checkpoint_id = s.checkpoint_id
LEFT JOIN processing_hubs AS h ON h.hub_id = s.hub_id
LEFT JOIN admin_units AS z ON z.code = s.county_code
ORDER BY s.seizure_id > $after_id DESC, hash(s.seizure_id)
LIMIT $point_limit;
