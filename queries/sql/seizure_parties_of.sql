-- seizure_parties_of: the stored party links of the seizures (seizure_id) of the registered frame `incoming`.
SELECT l.seizure_id, l.party_id, l.role
FROM seizure_parties AS l
SEMI JOIN incoming AS i ON i.seizure_id = l.seizure_id;
