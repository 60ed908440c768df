-- upsert_checkpoints: insert the rows of the registered frame `incoming` into checkpoints, replacing rows
-- with the same primary key. Returns the number of rows written.
INSERT OR REPLACE INTO checkpoints BY NAME SELECT * FROM incoming;
