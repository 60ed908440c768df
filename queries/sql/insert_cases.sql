-- insert_cases: append the rows of the registered frame `incoming` to cases (queries.parties); a row that breaks a
-- constraint fails the whole statement.
INSERT INTO cases BY NAME SELECT * FROM incoming;
