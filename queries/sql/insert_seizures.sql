-- insert_seizures: append the rows of the registered frame `incoming` to seizures, their seizure_id given
-- (queries.store.new_ids). A row that breaks a constraint fails the whole statement.
INSERT INTO seizures BY NAME SELECT * FROM incoming;
