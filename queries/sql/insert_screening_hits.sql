-- insert_screening_hits: append the rows of the registered frame `incoming` to screening_hits (queries.screening_hits);
-- a row that breaks a constraint fails the whole statement.
INSERT INTO screening_hits BY NAME SELECT * FROM incoming;
