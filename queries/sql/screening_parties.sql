-- screening_parties: the companies and people among the parties (party_id) of the registered frame `incoming`, one
-- row per name each is known by (as first stored and as every record wrote it), with its unified social credit
-- code and the day of its earliest seizure (NULL: named by no seizure), the day an import screens it against.
WITH names AS (
    SELECT party_id, value AS name FROM parties
    UNION SELECT party_id, written_as FROM seizure_parties
    UNION SELECT party_id, written_as FROM case_parties
), first_seized AS (
    SELECT l.party_id, min(s.occurred_at)::DATE AS first_seized_on
    FROM seizure_parties AS l
    JOIN seizures AS s USING (seizure_id)
    GROUP BY l.party_id
)
SELECT p.party_id, n.name, p.uscc, f.first_seized_on
FROM parties AS p
SEMI JOIN incoming AS i ON i.party_id = p.party_id
JOIN names AS n USING (party_id)
LEFT JOIN first_seized AS f USING (party_id)
WHERE p.kind IN ('company', 'person')
ORDER BY p.party_id, n.name;
