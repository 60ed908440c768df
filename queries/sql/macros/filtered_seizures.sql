-- filtered_seizures($filters): the seizures a view shows, the one definition of every filter, so that
-- the map, the counts, the drill-down, the records and the analyses can never disagree.
-- $filters is one struct, bound by queries.filters.Filters.params(): a field per filter declared in
-- queries.filters.FILTERS (its name), the period and the focus; an empty list or NULL means "any".
-- Python gives an empty list or a NULL no type, hence the casts. The struct is a constant, so DuckDB
-- folds each test and pushes what is left into the scan, as it did with one parameter per filter.
--   start_at / end_before      occurred_at in [start_at, end_before)
--   zones                      border-zone county codes; 'any' in the list: any border zone
--   text                       case-insensitive substring of declared-as, concealment (its category
--                              or its words), detection's words, source, source id or source reference
--   focus_*                    the drill-down: an H3 cell at a resolution (its precise records, as the
--                              hexagon counts them), a checkpoint, a hub or one record
-- Each row carries ``arrival``, the order it reached the store (macros/arrival.sql).
-- Region scope: on a connection opened with Store.reading(scope=...), the variables scope_provinces
-- and scope_zones (queries.access.Scope.apply) keep only the rows of the granted provinces or border
-- zones, whatever $filters asks for; an empty grant sees nothing. Neither set: unscoped.
CREATE OR REPLACE TEMP MACRO filtered_seizures(filters) AS TABLE
SELECT *, arrival(seizure_id, rowid) AS arrival
FROM seizures
WHERE ((filters).start_at IS NULL OR occurred_at >= (filters).start_at::TIMESTAMP)
  AND ((filters).end_before IS NULL OR occurred_at < (filters).end_before::TIMESTAMP)
  AND (len((filters).item_groups) = 0 OR list_contains((filters).item_groups::VARCHAR[], item_group))
  AND (len((filters).items) = 0 OR list_contains((filters).items::VARCHAR[], item))
  AND (len((filters).channels) = 0 OR list_contains((filters).channels::VARCHAR[], channel))
  AND (len((filters).zones) = 0 OR list_contains((filters).zones::VARCHAR[], zone_code)
       OR (list_contains((filters).zones::VARCHAR[], 'any') AND zone_code IS NOT NULL))
  AND (len((filters).provinces) = 0 OR list_contains((filters).provinces::VARCHAR[], province_code))
  AND (len((filters).counties) = 0 OR list_contains((filters).counties::VARCHAR[], county_code))
  AND (len((filters).agencies) = 0 OR list_contains((filters).agencies::VARCHAR[], agency))
  AND (len((filters).forms) = 0 OR list_contains((filters).forms::VARCHAR[], form))
  AND (len((filters).destinations) = 0 OR list_contains((filters).destinations::VARCHAR[], destination_iso3))
  AND (len((filters).case_statuses) = 0 OR list_contains((filters).case_statuses::VARCHAR[], case_status))
  AND ((filters).min_kg IS NULL OR quantity_kg >= (filters).min_kg::DOUBLE)
  AND ((filters).text IS NULL
       OR contains(lower(declared_as), lower((filters).text::VARCHAR))
       OR contains(lower(concealment), lower((filters).text::VARCHAR))
       OR contains(lower(concealment_text), lower((filters).text::VARCHAR))
       OR contains(lower(detection_text), lower((filters).text::VARCHAR))
       OR contains(lower(source), lower((filters).text::VARCHAR))
       OR contains(lower(source_id), lower((filters).text::VARCHAR))
       OR contains(lower(source_ref), lower((filters).text::VARCHAR)))
  AND ((filters).focus_cell IS NULL
       OR (h3_parent(h3_cell, (filters).focus_res) = (filters).focus_cell::UBIGINT AND precise_enough(geo_precision)))
  AND ((filters).focus_checkpoint IS NULL OR checkpoint_id = (filters).focus_checkpoint::VARCHAR)
  AND ((filters).focus_hub IS NULL OR hub_id = (filters).focus_hub::VARCHAR)
  AND ((filters).focus_seizure IS NULL OR seizure_id = (filters).focus_seizure::BIGINT)
  AND CASE  -- the variables are constants, so DuckDB keeps one branch and pushes it into the scan
        WHEN coalesce(getvariable('scope_provinces'), getvariable('scope_zones')) IS NULL THEN TRUE
        WHEN len(getvariable('scope_zones')) = 0 THEN list_contains(getvariable('scope_provinces'), province_code)
        WHEN len(getvariable('scope_provinces')) = 0 THEN list_contains(getvariable('scope_zones'), zone_code)
        ELSE list_contains(getvariable('scope_provinces'), province_code)
             OR list_contains(getvariable('scope_zones'), zone_code)
      END;
