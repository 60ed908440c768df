-- insert_entity_decision: append an analyst's merge or split, the registered frame `incoming`, to entity_decisions.
INSERT INTO entity_decisions BY NAME SELECT * FROM incoming;
