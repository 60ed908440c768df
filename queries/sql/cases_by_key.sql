-- cases_by_key: the stored cases with the (source, source_id) of the registered frame `incoming`.
SELECT c.source, c.source_id, c.case_id
FROM cases AS c
SEMI JOIN incoming AS i ON i.source = c.source AND i.source_id = c.source_id;
