-- ingest_match_seizures: for each row of the registered frame `incoming` (`position` and the
-- seizure columns) that is already stored under the same source and source_id, its seizure_id and
-- whether its content differs. Coordinates differing by less than 1e-9 degrees (0.1 mm: rounding of
-- a coordinate-system conversion) are the same.
SELECT
    i.position,
    s.seizure_id,
    (s.occurred_at IS DISTINCT FROM i.occurred_at
        OR s.time_precision IS DISTINCT FROM i.time_precision
        OR abs(s.lon - i.lon) > 1e-9
        OR abs(s.lat - i.lat) > 1e-9
        OR s.geo_precision IS DISTINCT FROM i.geo_precision
        OR s.country_iso3 IS DISTINCT FROM i.country_iso3
        OR s.province_code IS DISTINCT FROM i.province_code
        OR s.county_code IS DISTINCT FROM i.county_code
        OR s.zone_code IS DISTINCT FROM i.zone_code
        OR s.channel IS DISTINCT FROM i.channel
        OR s.checkpoint_id IS DISTINCT FROM i.checkpoint_id
        OR s.hub_id IS DISTINCT FROM i.hub_id
        OR s.item IS DISTINCT FROM i.item
        OR s.item_group IS DISTINCT FROM i.item_group
        OR s.form IS DISTINCT FROM i.form
        OR s.quantity_kg IS DISTINCT FROM i.quantity_kg
        OR s.value_cny IS DISTINCT FROM i.value_cny
        OR s.declared_as IS DISTINCT FROM i.declared_as
        OR s.concealment IS DISTINCT FROM i.concealment
        OR s.concealment_text IS DISTINCT FROM i.concealment_text
        OR s.detection IS DISTINCT FROM i.detection
        OR s.detection_text IS DISTINCT FROM i.detection_text
        OR s.agency IS DISTINCT FROM i.agency
        OR s.destination_iso3 IS DISTINCT FROM i.destination_iso3
        OR s.case_status IS DISTINCT FROM i.case_status
        OR s.source_ref IS DISTINCT FROM i.source_ref
        OR s.is_synthetic IS DISTINCT FROM i.is_synthetic) AS changed
FROM incoming AS i
JOIN seizures AS s ON s.source = i.source AND s.source_id = i.source_id;
