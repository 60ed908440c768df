-- export_seizures: the view's seizures as an export writes them: every stored field except the H3
-- cell (derived from lon/lat, which the export turns into the point geometry) and the store's arrival order, in the order the
-- store holds them (insertion order, which DuckDB keeps): no sort, so that the rows stream out.
SELECT * EXCLUDE (h3_cell, arrival)
FROM filtered_seizures($filters);
