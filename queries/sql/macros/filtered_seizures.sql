-- filtered_seizures(...): the seizures a view shows, the one definition of every filter, so that the
-- map, the counts, the drill-down, the records and the analyses can never disagree.
-- queries.filters.Filters.params() supplies the arguments; an empty list or NULL means "any".
--   start_at / end_before      occurred_at in [start_at, end_before)
--   zones                      border-zone county codes; 'any' in the list: any border zone
--   search                     case-insensitive substring of declared-as, concealment (its category
--                              or its words), detection's words, source, source id or source reference
--   focus_*                    the drill-down: an H3 cell at a resolution (its precise records, as the
--                              hexagon counts them), a checkpoint, a hub or one record
-- Region scope: on a connection opened with Store.reading(scope=...), the variables scope_provinces
-- and scope_zones (queries.access.Scope.apply) keep only the rows of the granted provinces or border
-- zones, whatever the arguments ask for; an empty grant sees nothing. Neither set: unscoped.
CREATE OR REPLACE TEMP MACRO filtered_seizures(
    start_at, end_before, item_groups, items, channels, zones, provinces, counties, agencies, forms,
    min_kg, search, focus_cell, focus_res, focus_checkpoint, focus_hub, focus_seizure
) AS TABLE
SELECT *
FROM seizures
WHERE (start_at IS NULL OR occurred_at >= start_at)
  AND (end_before IS NULL OR occurred_at < end_before)
  AND (len(item_groups) = 0 OR list_contains(item_groups, item_group))
  AND (len(items) = 0 OR list_contains(items, item))
  AND (len(channels) = 0 OR list_contains(channels, channel))
  AND (len(zones) = 0 OR list_contains(zones, zone_code) OR (list_contains(zones, 'any') AND zone_code IS NOT NULL))
  AND (len(provinces) = 0 OR list_contains(provinces, province_code))
  AND (len(counties) = 0 OR list_contains(counties, county_code))
  AND (len(agencies) = 0 OR list_contains(agencies, agency))
  AND (len(forms) = 0 OR list_contains(forms, form))
  AND (min_kg IS NULL OR quantity_kg >= min_kg)
  AND (search IS NULL OR contains(lower(declared_as), lower(search)) OR contains(lower(concealment), lower(search))
       OR contains(lower(concealment_text), lower(search)) OR contains(lower(detection_text), lower(search))
       OR contains(lower(source), lower(search)) OR contains(lower(source_id), lower(search))
       OR contains(lower(source_ref), lower(search)))
  AND (focus_cell IS NULL OR (h3_parent(h3_cell, focus_res) = focus_cell AND precise_enough(geo_precision)))
  AND (focus_checkpoint IS NULL OR checkpoint_id = focus_checkpoint)
  AND (focus_hub IS NULL OR hub_id = focus_hub)
  AND (focus_seizure IS NULL OR seizure_id = focus_seizure)
  AND CASE  -- the variables are constants, so DuckDB keeps one branch and pushes it into the scan
        WHEN coalesce(getvariable('scope_provinces'), getvariable('scope_zones')) IS NULL THEN TRUE
        WHEN len(getvariable('scope_zones')) = 0 THEN list_contains(getvariable('scope_provinces'), province_code)
        WHEN len(getvariable('scope_provinces')) = 0 THEN list_contains(getvariable('scope_zones'), zone_code)
        ELSE list_contains(getvariable('scope_provinces'), province_code)
             OR list_contains(getvariable('scope_zones'), zone_code)
      END;
