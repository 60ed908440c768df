-- view_points: at most $point_limit of the view's seizures for the points layer: first those with
-- arrived after $after (macros/arrival.sql; the page marks them as new; NULL: none), then a sample that is the same on every
-- run (by a hash of the id, not by time), with the names a tooltip shows. $sample_per_million
-- (views.sample_rate) lets through a little more than the limit before the sort, so that the
-- sort handles thousands of rows rather than the whole view; the names are joined last. The
-- view's total is in view_summary. Only the columns a point's tooltip shows are read: fetching
-- free text (declared-as) for a sample spread over the whole table costs as much as the rest of
-- the query; a click on the point shows the whole record.
WITH sample AS (
    SELECT seizure_id, arrival > $after AS arrived_after, occurred_at, time_precision, lon, lat, geo_precision, channel, item, item_group, form,
           quantity_kg, value_cny, destination_iso3, is_synthetic, checkpoint_id, hub_id, county_code
    FROM filtered_seizures($filters)
    WHERE arrival > $after OR hash(seizure_id) % 1000000 < $sample_per_million
    ORDER BY arrival > $after DESC, hash(seizure_id)
    LIMIT $point_limit
)
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
    s.destination_iso3,
    s.is_synthetic,
    coalesce(s.arrived_after, false) AS is_new,
    c.name_en AS checkpoint_en, c.name_zh AS checkpoint_zh,
    h.name_en AS hub_en, h.name_zh AS hub_zh,
    z.name_en AS county_en, z.name_zh AS county_zh
FROM sample AS s
LEFT JOIN checkpoints AS c ON c.checkpoint_id = s.checkpoint_id
LEFT JOIN processing_hubs AS h ON h.hub_id = s.hub_id
LEFT JOIN admin_units AS z ON z.code = s.county_code
ORDER BY s.arrived_after DESC NULLS LAST, hash(s.seizure_id);
