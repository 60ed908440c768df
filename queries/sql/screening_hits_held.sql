-- screening_hits_held: the stored hits with the (party_id, list_code, entry_id) of the registered frame `incoming`,
-- whatever their review: a pair is written once, so screening again leaves a reviewed hit as it was.
SELECT h.party_id, h.list_code, h.entry_id
FROM screening_hits AS h
SEMI JOIN incoming AS i ON i.party_id = h.party_id AND i.list_code = h.list_code AND i.entry_id = h.entry_id;
