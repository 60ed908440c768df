-- entity_constraints: the analysts' must-link and cannot-link pairs in force: for a pair several decisions name,
-- the latest's (queries.entities).
SELECT c.party_id, c.other_party_id, c.link, d.note
FROM entity_constraints AS c
JOIN entity_decisions AS d USING (decision_id)
QUALIFY row_number() OVER (PARTITION BY c.party_id, c.other_party_id ORDER BY d.decided_at DESC, d.decision_id DESC) = 1
ORDER BY c.party_id, c.other_party_id;
