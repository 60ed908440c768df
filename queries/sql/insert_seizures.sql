-- insert_seizures: append the rows of the registered frame `incoming` to seizures; seizure_id
-- comes from its sequence. A row that breaks a constraint fails the whole statement.
INSERT INTO seizures BY NAME SELECT * FROM incoming;
