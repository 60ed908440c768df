-- ingest_archive_hubs: copy the stored versions of the hubs whose ids are in the registered frame
-- `incoming` into hub_history, as replaced by import $import_id at $replaced_at.
INSERT INTO hub_history BY NAME
SELECT $import_id AS import_id, $replaced_at AS replaced_at, h.*
FROM processing_hubs AS h
WHERE h.hub_id IN (SELECT hub_id FROM incoming);
