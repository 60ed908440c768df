-- upsert_admin_units: insert the rows of the registered frame `incoming` into admin_units, replacing rows
-- with the same primary key. Returns the number of rows written.
INSERT OR REPLACE INTO admin_units BY NAME SELECT * FROM incoming;
