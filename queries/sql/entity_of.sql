-- entity_of: every party's entity (queries.entities.entity_of; the network page's reader): entity_id (the party's
-- own id when it is alone), the entity's name (its members' most often named spelling) and its number of parties,
-- and the link that joined the party into it (linked_to, how, score, evidence; NULL for an entity's first party).
WITH resolved AS (
    SELECT p.party_id, p.kind, p.value, coalesce(e.entity_id, p.party_id) AS entity_id,
           e.linked_to, e.how, e.score, e.evidence
    FROM parties AS p
    LEFT JOIN party_entities AS e USING (party_id)
), named AS (
    SELECT party_id, count(*) AS mentions FROM seizure_parties GROUP BY party_id
), entities AS (
    SELECT r.entity_id, arg_max(r.value, (coalesce(n.mentions, 0), -r.party_id)) AS entity_name,
           count(*) AS entity_parties
    FROM resolved AS r
    LEFT JOIN named AS n USING (party_id)
    GROUP BY r.entity_id
)
SELECT r.party_id, r.kind, r.value, r.entity_id, x.entity_name, x.entity_parties, r.linked_to, r.how, r.score,
       r.evidence
FROM resolved AS r
JOIN entities AS x USING (entity_id)
ORDER BY r.entity_id, r.party_id;
