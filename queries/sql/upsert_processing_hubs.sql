-- upsert_processing_hubs: insert the rows of the registered frame `incoming` into processing_hubs, replacing rows
-- with the same key (a MERGE: a lake has no keys for INSERT OR REPLACE). Returns the number of rows written.
MERGE INTO processing_hubs USING incoming USING (hub_id)
WHEN MATCHED THEN UPDATE BY NAME
WHEN NOT MATCHED THEN INSERT BY NAME;
