-- upsert_control_announcements: insert the rows of the registered frame `incoming` into control_announcements, replacing rows
-- with the same primary key. Returns the number of rows written.
INSERT OR REPLACE INTO control_announcements BY NAME SELECT * FROM incoming;
