-- upsert_controlled_items: insert the rows of the registered frame `incoming` into controlled_items, replacing rows
-- with the same key (a MERGE: a lake has no keys for INSERT OR REPLACE). Returns the number of rows written.
MERGE INTO controlled_items USING incoming USING (item)
WHEN MATCHED THEN UPDATE BY NAME
WHEN NOT MATCHED THEN INSERT BY NAME;
