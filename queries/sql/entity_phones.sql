-- entity_phones: the phone numbers named on the same seizures as each company or person (queries.entities: people
-- of one name in two sources are one person only when something such as a shared phone links them).
SELECT DISTINCT named.party_id, phone.value AS phone
FROM seizure_parties AS named
JOIN parties AS p ON p.party_id = named.party_id AND p.kind IN ('company', 'person')
JOIN seizure_parties AS link ON link.seizure_id = named.seizure_id
JOIN parties AS phone ON phone.party_id = link.party_id AND phone.kind = 'phone'
ORDER BY named.party_id, phone;
