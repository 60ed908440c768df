-- 003_h3_cells: each seizure's H3 cell at resolution 10 (about 15,000 m² a cell), as an unsigned
-- 64-bit index. Coarser cells (the map's hexagons, the hot-spot grid) are its parents, computed in
-- SQL by the macro h3_parent (queries/sql/macros/h3_parent.sql). Rows that exist when this runs
-- are filled in by queries.cells.fill_missing_cells in the same transaction.
ALTER TABLE seizures ADD COLUMN h3_cell UBIGINT;
