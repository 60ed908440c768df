-- entity_members: the parties of the entity that party (or entity) $party_id belongs to, with the link that joined
-- each and its evidence (python -m queries entities show).
WITH chosen AS (
    SELECT coalesce((SELECT entity_id FROM party_entities WHERE party_id = $party_id), $party_id) AS entity_id
)
SELECT p.party_id, p.kind, p.value, coalesce(e.entity_id, p.party_id) AS entity_id, e.linked_to, e.how, e.score,
       e.evidence
FROM parties AS p
LEFT JOIN party_entities AS e USING (party_id)
WHERE coalesce(e.entity_id, p.party_id) = (SELECT entity_id FROM chosen)
ORDER BY p.party_id;
