-- ingest_archive_seizures: copy the stored versions of the seizures whose ids are in the registered
-- frame `incoming` (column seizure_id) into seizure_history, as replaced by import $import_id at
-- $replaced_at. Returns rows written.
INSERT INTO seizure_history BY NAME
SELECT $import_id AS import_id, $replaced_at AS replaced_at, s.*
FROM seizures AS s
WHERE s.seizure_id IN (SELECT seizure_id FROM incoming);
