-- upsert_admin_units: insert the rows of the registered frame `incoming` into admin_units, replacing rows
-- with the same key (a MERGE: a lake has no keys for INSERT OR REPLACE). Returns the number of rows written.
MERGE INTO admin_units USING incoming USING (code)
WHEN MATCHED THEN UPDATE BY NAME
WHEN NOT MATCHED THEN INSERT BY NAME;
