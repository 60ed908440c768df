-- upsert_checkpoints: insert the rows of the registered frame `incoming` into checkpoints, replacing rows
-- with the same key (a MERGE: a lake has no keys for INSERT OR REPLACE). Returns the number of rows written.
MERGE INTO checkpoints USING incoming USING (checkpoint_id)
WHEN MATCHED THEN UPDATE BY NAME
WHEN NOT MATCHED THEN INSERT BY NAME;
