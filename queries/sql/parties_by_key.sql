-- parties_by_key: the stored parties with the (kind, party_key) of the registered frame `incoming`.
SELECT p.kind, p.party_key, p.party_id
FROM parties AS p
SEMI JOIN incoming AS i ON i.kind = p.kind AND i.party_key = p.party_key;
