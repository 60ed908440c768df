-- delete_party_entities_of: forget the entities of the parties (party_id) of the registered frame `incoming`, about
-- to be resolved again (queries.entities), and of parties no longer stored (a re-seed removes the demo's).
DELETE FROM party_entities AS e
WHERE e.party_id IN (SELECT party_id FROM incoming)
   OR NOT EXISTS (SELECT 1 FROM parties AS p WHERE p.party_id = e.party_id);
