-- view_hexagons: the view's seizures aggregated on H3 cells at resolution $hex_res (the parent of
-- each record's stored cell), busiest first, at most $hex_limit cells; total_cells says how many
-- there were in all, so that the page can say when the layer is cut.
SELECT
    h3_parent(h3_cell, $hex_res)           AS cell,
    count(*)                                AS seizures,
    sum(quantity_kg)                        AS kg,
    coalesce(sum(value_cny), 0)             AS value_cny,
    arg_max(item_group, quantity_kg)        AS largest_group,
    max(occurred_at)                        AS last_occurred,
    max(seizure_id)                         AS newest_id,
    count(*) OVER ()                        AS total_cells
FROM filtered_seizures($filters)
WHERE precise_enough(geo_precision)
GROUP BY 1
ORDER BY seizures DESC, cell
LIMIT $hex_limit;
