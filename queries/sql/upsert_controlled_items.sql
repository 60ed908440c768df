-- upsert_controlled_items: insert the rows of the registered frame `incoming` into controlled_items, replacing rows
-- with the same primary key. Returns the number of rows written.
INSERT OR REPLACE INTO controlled_items BY NAME SELECT * FROM incoming;
