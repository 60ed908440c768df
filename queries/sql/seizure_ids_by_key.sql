-- seizure_ids_by_key: the seizure_id of each stored record with the (source, source_id) of the registered frame
-- `incoming`.
SELECT s.source, s.source_id, s.seizure_id
FROM seizures AS s
SEMI JOIN incoming AS i ON i.source = s.source AND i.source_id = s.source_id;
