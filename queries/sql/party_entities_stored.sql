-- party_entities_stored: every stored party's entity and the link that joined it (queries.entities reads them to
-- resolve again only the entities an import touches).
SELECT party_id, entity_id, linked_to, how, score, evidence FROM party_entities ORDER BY party_id;
