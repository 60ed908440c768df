-- insert_entity_constraints: append the pairs a decision links or keeps apart, the registered frame `incoming`.
INSERT INTO entity_constraints BY NAME SELECT * FROM incoming;
