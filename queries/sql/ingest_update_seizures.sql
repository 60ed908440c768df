-- ingest_update_seizures: give the stored seizures the content of the rows of the registered frame
-- `incoming` with the same seizure_id (the id, source and source_id stay; h3_cell comes with the row).
-- Returns rows written.
UPDATE seizures SET
    occurred_at = u.occurred_at, time_precision = u.time_precision, lon = u.lon, lat = u.lat,
    geo_precision = u.geo_precision, country_iso3 = u.country_iso3, province_code = u.province_code,
    county_code = u.county_code, zone_code = u.zone_code, channel = u.channel, checkpoint_id = u.checkpoint_id,
    hub_id = u.hub_id, item = u.item, item_group = u.item_group, form = u.form, quantity_kg = u.quantity_kg,
    value_cny = u.value_cny, declared_as = u.declared_as, concealment = u.concealment,
    concealment_text = u.concealment_text, detection = u.detection, detection_text = u.detection_text,
    agency = u.agency, destination_iso3 = u.destination_iso3, case_status = u.case_status,
    source_ref = u.source_ref, is_synthetic = u.is_synthetic, ingested_at = u.ingested_at, h3_cell = u.h3_cell
FROM incoming AS u
WHERE seizures.seizure_id = u.seizure_id;
