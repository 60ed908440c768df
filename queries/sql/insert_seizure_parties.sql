-- insert_seizure_parties: append the rows of the registered frame `incoming` to seizure_parties (queries.parties); a row that breaks a
-- constraint fails the whole statement.
INSERT INTO seizure_parties BY NAME SELECT * FROM incoming;
