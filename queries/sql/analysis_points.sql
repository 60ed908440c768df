-- analysis_points: the view's seizures that the spatial analyses (clusters, hot spots, emerging hot
-- spots) use: those located to the point or the town (precise_enough), oldest first, with the
-- columns the analyses and their tables need. Records known only to the county or province are
-- left out; analysis_left_out counts them.
SELECT
    seizure_id,
    lon,
    lat,
    occurred_at,
    quantity_kg,
    value_cny,
    geo_precision,
    h3_cell,
    item,
    item_group,
    channel,
    zone_code,
    county_code,
    checkpoint_id
FROM filtered_seizures($filters)
WHERE precise_enough(geo_precision)
ORDER BY occurred_at, seizure_id;
