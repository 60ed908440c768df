-- upsert_control_announcements: insert the rows of the registered frame `incoming` into control_announcements, replacing rows
-- with the same key (a MERGE: a lake has no keys for INSERT OR REPLACE). Returns the number of rows written.
MERGE INTO control_announcements USING incoming USING (announcement)
WHEN MATCHED THEN UPDATE BY NAME
WHEN NOT MATCHED THEN INSERT BY NAME;
