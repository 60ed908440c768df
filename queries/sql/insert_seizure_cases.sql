-- insert_seizure_cases: append the rows of the registered frame `incoming` to seizure_cases (queries.parties); a row that breaks a
-- constraint fails the whole statement.
INSERT INTO seizure_cases BY NAME SELECT * FROM incoming;
