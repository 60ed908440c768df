-- ingest_archive_checkpoints: copy the stored versions of the checkpoints whose ids are in the
-- registered frame `incoming` into checkpoint_history, as replaced by import $import_id at $replaced_at.
INSERT INTO checkpoint_history BY NAME
SELECT $import_id AS import_id, $replaced_at AS replaced_at, c.*
FROM checkpoints AS c
WHERE c.checkpoint_id IN (SELECT checkpoint_id FROM incoming);
