-- insert_party_entities: append the rows of the registered frame `incoming` to party_entities (queries.entities).
INSERT INTO party_entities BY NAME SELECT * FROM incoming;
