-- insert_parties: append the rows of the registered frame `incoming` to parties (queries.parties); a row that breaks a
-- constraint fails the whole statement.
INSERT INTO parties BY NAME SELECT * FROM incoming;
