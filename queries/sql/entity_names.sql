-- entity_names: the companies and people resolution compares (queries.entities), one row per name each is known by
-- (as first stored and as every record wrote it), with its unified social credit code and identity number.
WITH names AS (
    SELECT party_id, value AS name FROM parties
    UNION SELECT party_id, written_as FROM seizure_parties
    UNION SELECT party_id, written_as FROM case_parties
)
SELECT p.party_id, p.kind, p.party_key, p.uscc, p.sensitive_id_number AS id_number, n.name
FROM parties AS p
JOIN names AS n USING (party_id)
WHERE p.kind IN ('company', 'person')
ORDER BY p.party_id, n.name;
