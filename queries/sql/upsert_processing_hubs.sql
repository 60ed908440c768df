-- upsert_processing_hubs: insert the rows of the registered frame `incoming` into processing_hubs, replacing rows
-- with the same primary key. Returns the number of rows written.
INSERT OR REPLACE INTO processing_hubs BY NAME SELECT * FROM incoming;
